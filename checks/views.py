"""Findings pages: the list for every role (through the scoping), a finding in plain words, and the
actions on it — the school explains a warning, the department or an operator waives or resolves.
(Check-run pages live in ``checks/views_runs.py``.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from checks import selectors
from checks.choices import FindingStatus
from checks.explanations import explain
from checks.forms import FindingDecisionForm, FindingExplainForm, FindingSearchForm
from checks.models import Finding
from checks.services import finding_explain, finding_resolve, finding_waive
from core.errors import DomainError
from core.exports import FORMATS, export_response
from core.pagination import keyset_page
from core.scoping import allowed_actions
from core.selectors import audit_events_for
from core.sorting import Sorting
from core.web import form_add_domain_error

PAGE_SIZE = 50
MAX_ID = 2**63 - 1
DEFAULT_STATUSES = [FindingStatus.OPEN, FindingStatus.EXPLAINED]
# The findings' sortable columns, both ways, each on its index: the check date (the run; ``finding_page_order``:
# -last_run, severity, code, id) and the code, latest run first (``finding_by_code``: code, -last_run, -id). Not the
# school nor the status: a national run's findings are too many to sort without an index, and those filters exist.
FINDING_SORTING = Sorting({"run": ("last_run_id", "-severity", "-code", "-id"), "code": ("code", "-last_run_id", "-id")},
                          default="-run")
FILTER_KEYS = ("code", "severity", "status", "school", "school_bin", "region", "date_from", "date_to", "run")


def _filters(request) -> dict:
    """The filter parameters of the request; with none given, the live findings that need attention."""
    data = {key: request.GET.getlist(key) if key in ("code", "status") else request.GET.get(key)
            for key in FILTER_KEYS if request.GET.get(key)}
    if "status" not in data and not request.GET.get("all_statuses"):
        data["status"] = list(DEFAULT_STATUSES)
    return data


@login_required
def finding_list(request):
    filters = _filters(request)
    form = FindingSearchForm(filters, user=request.user)
    form.is_valid()
    findings = selectors.finding_list(user=request.user, filters=filters).order_by("-last_run_id", "severity", "code", "id")
    findings, sort = FINDING_SORTING.apply(request, findings)
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        return _export(findings, fmt)
    page = keyset_page(request, findings, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    query.pop("export", None)
    if "status" not in query and not request.GET.get("all_statuses"):
        query.setlist("status", list(DEFAULT_STATUSES))
    return render(request, "checks/finding_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "total": page.total, "sort": sort,
        "rows": [(finding, explain(finding)) for finding in page],
    })


def _export(findings, fmt: str):
    headers = [_("id"), _("code"), _("severity"), _("status"), _("school BIN"), _("school"), _("region"), _("level"),
               _("IIN"), _("pupil"), _("check date"), _("what was found"), _("explanation or reason")]

    def rows():
        for finding in findings.iterator(chunk_size=500):
            pupil = finding.enrolment.pupil if finding.enrolment_id else None
            yield [finding.pk, finding.code, finding.get_severity_display(), finding.get_status_display(), finding.school.bin,
                   finding.school.name, finding.school.region_id, finding.level, pupil.iin if pupil else "",
                   str(pupil) if pupil else "", finding.last_run.check_date, explain(finding).summary, finding.status_reason_text]

    return export_response(fmt=fmt, filename=f"findings-{timezone.localdate():%Y-%m-%d}", headers=headers, rows=rows())


def _finding_or_404(user, pk: int) -> Finding:
    if not 0 < pk <= MAX_ID:
        raise Http404
    try:
        return selectors.finding_get(user=user, pk=pk)
    except Finding.DoesNotExist:
        raise Http404 from None


def _actions_context(request, finding, *, explain_form=None, decision_form=None) -> dict:
    actions = allowed_actions(request.user, finding)  # the one decision: who, which rows, which status
    allowed = [name for name in ("waive", "resolve") if name in actions]
    may_decide = bool(allowed)
    decision_form = decision_form or FindingDecisionForm()
    if may_decide:
        # A waived finding can still be resolved, no longer waived again.
        decision_form.fields["decision"].choices = [c for c in decision_form.fields["decision"].choices if c[0] in allowed]
    return {
        "finding": finding,
        "may_explain": "explain" in actions,
        "may_decide": may_decide,
        "explain_form": explain_form or FindingExplainForm(),
        "decision_form": decision_form,
        "events": audit_events_for(subject=finding),
    }


@login_required
def finding_detail(request, pk: int):
    finding = _finding_or_404(request.user, pk)
    return render(request, "checks/finding_detail.html", {**_actions_context(request, finding), "explanation": explain(finding)})


def _after_action(request, finding, message: str | None, **forms):
    if request.htmx:
        finding = _finding_or_404(request.user, finding.pk)
        context = {**_actions_context(request, finding, **forms), "message": message}
        return render(request, "checks/_finding_actions.html", context)
    if message:
        messages.success(request, message)
    return redirect("checks:finding-detail", pk=finding.pk)


def _show_error(request, finding, form, exc: DomainError, **forms):
    """Show the refusal in the actions panel (and on the field it concerns), status 400."""
    form_add_domain_error(form, exc)
    context = {**_actions_context(request, finding, **forms), "error_message": str(exc)}
    if request.htmx:
        # HTMX swaps only 2xx answers: the panel carries the refusal itself.
        return render(request, "checks/_finding_actions.html", context)
    return render(request, "checks/finding_detail.html", {**context, "explanation": explain(finding)}, status=400)


@require_POST
@login_required
def finding_explain_view(request, pk: int):
    finding = _finding_or_404(request.user, pk)
    form = FindingExplainForm(request.POST)
    if not form.is_valid():
        return _show_error(request, finding, form, DomainError(_("Write the explanation."), field="explanation"), explain_form=form)
    try:
        finding = finding_explain(finding=finding, actor=request.user, explanation=form.cleaned_data["explanation"])
    except DomainError as exc:
        return _show_error(request, finding, form, exc, explain_form=form)
    return _after_action(request, finding, _("Your explanation is recorded."))


@require_POST
@login_required
def finding_decide_view(request, pk: int):
    finding = _finding_or_404(request.user, pk)
    form = FindingDecisionForm(request.POST)
    if not form.is_valid():
        return _show_error(request, finding, form, DomainError(_("Choose a decision and give a reason."), field="reason"),
                           decision_form=form)
    service = finding_waive if form.cleaned_data["decision"] == "waive" else finding_resolve
    try:
        finding = service(finding=finding, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _show_error(request, finding, form, exc, decision_form=form)
    message = _("The finding is waived.") if finding.status == FindingStatus.WAIVED else _("The finding is resolved.")
    return _after_action(request, finding, message)
