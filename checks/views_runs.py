"""Check-run pages: the list with "start a run" for operators, a run's detail with live progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from checks.choices import CheckRunStatus, CheckRunTrigger
from checks.models import CheckRun
from checks.permissions import may_start_check_run
from checks.pipeline import check_pipeline_start
from checks.runs import RunInProgress
from checks.selectors_runs import run_counts_for, run_get, run_list
from core.decorators import permission_required, role_required
from core.errors import DomainError
from core.roles import NATIONWIDE_ROLES
from core.scoping import effective_role
from core.sorting import Sorting, page_query

# Sortable columns of the check runs: a small table (a nightly run and a few started by hand), any column.
RUN_SORTING = Sorting({"started": ("started_at", "id"), "check_date": ("check_date", "started_at", "id"),
                       "status": ("status", "-started_at", "-id"), "trigger": ("trigger", "-started_at", "-id")},
                      default="-started")


def _get_run(request, pk) -> CheckRun:
    try:
        return run_get(user=request.user, pk=pk)
    except CheckRun.DoesNotExist:
        raise Http404 from None


@role_required(*NATIONWIDE_ROLES)
@require_GET
def run_list_view(request):
    runs, sort = RUN_SORTING.apply(request, run_list(user=request.user))
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    return render(request, "checks/runs/list.html", {"page": page, "sort": sort, "query": page_query(request),
                                                     "may_start": may_start_check_run(request.user)})


@require_POST
@permission_required(CheckRun, "start")
def run_start_view(request):
    try:
        run = check_pipeline_start(actor=request.user, trigger=CheckRunTrigger.MANUAL, fetch=request.POST.get("fetch") == "on")
    except RunInProgress as error:
        messages.error(request, str(error))
        running = error.details.get("run_id")
        return redirect(reverse("checks:run-detail", args=[running]) if running else reverse("checks:run-list"))
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("checks:run-list")
    messages.success(request, _("Check run #%(id)s is queued; its progress shows below.") % {"id": run.pk})
    return redirect("checks:run-detail", pk=run.pk)


@login_required
@require_GET
def run_detail_view(request, pk: int):
    run = _get_run(request, pk)
    context = {
        "run": run, "counts": run_counts_for(run=run, user=request.user), "running": run.status == CheckRunStatus.RUNNING,
        "nationwide": effective_role(request.user) in NATIONWIDE_ROLES,
    }
    return render(request, "checks/runs/detail.html", context)


@login_required
@require_GET
def run_progress_view(request, pk: int):
    """The progress panel, polled by HTMX every two seconds while the run is running."""
    run = _get_run(request, pk)
    response = render(request, "checks/runs/_progress.html", {"run": run, "running": run.status == CheckRunStatus.RUNNING})
    if request.htmx and run.status != CheckRunStatus.RUNNING and request.GET.get("was") == "running":
        response["HX-Refresh"] = "true"  # the run has just ended: reload the page for its results
    return response
