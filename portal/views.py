"""Composite pages that read several apps: the home pages, a school's dossier, the findings of a
pupil's enrolment (a fragment the contingent's pupil page loads by URL name).

The apps below never import this one (nor each other upwards): what a lower app's page shows of
a higher app's data is composed here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from checks.choices import LIVE_STATUSES
from checks.explanations import explain
from checks.selectors import finding_list
from contingent.models import Enrolment
from contingent.selectors import enrolment_get
from core.roles import Role
from core.scoping import effective_role, may
from portal.home import home_charts
from portal.navigation import home_template
from portal.search import global_search
from portal.worklist import WORKLISTS, worklist
from schools import selectors as school_selectors
from schools.models import School

MAX_ID = 2**63 - 1


def home(request):
    """Each role lands on its own home page: what needs their action, and the charts; visitors see the public one."""
    user = request.user
    context = {}
    if getattr(user, "is_authenticated", False) and user.role in WORKLISTS and not user.is_superuser:
        context = {"work_items": worklist(user), **home_charts(user)}
    return render(request, home_template(user), context)


def _school_or_404(user, pk) -> School:
    if not 0 < int(pk) <= MAX_ID:
        raise Http404
    try:
        return school_selectors.school_get(user=user, pk=pk)
    except School.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def search(request):
    """The global search box: a BIN, an IIN, a school's name, a contract, act, registry or payment number."""
    return render(request, "portal/search.html", {"results": global_search(user=request.user, text=request.GET.get("q", ""))})


@login_required
def my_school(request):
    if effective_role(request.user) != Role.SCHOOL:
        return redirect("schools:list")
    return redirect("portal:school", pk=request.user.school_id)


@login_required
def school_detail(request, pk: int):
    """A school's dossier: profile, open findings in plain words, register status, licences, history."""
    school = _school_or_404(request.user, pk)
    today = timezone.localdate()
    entries = list(school_selectors.school_register_entries(user=request.user, school=school))
    in_force = [entry for entry in entries if entry.is_in_force_on(today)]
    findings = finding_list(user=request.user).filter(school=school, status__in=LIVE_STATUSES).order_by("severity", "code", "id")
    return render(request, "portal/school_detail.html", {
        "school": school,
        "licences": school_selectors.school_licences(user=request.user, school=school),
        "entries": entries,
        "in_force": in_force,
        "today": today,
        "findings": [(finding, explain(finding)) for finding in findings[:200]],
        "history": school_selectors.school_history(user=request.user, school=school)[:100],
        "may_edit": may(request.user, "edit_profile", school),
    })


@login_required
@require_GET
def enrolment_findings(request, pk: int):
    """The live findings of a pupil's enrolment (the contingent's pupil page loads this fragment)."""
    if not 0 < int(pk) <= MAX_ID:
        raise Http404
    try:
        enrolment = enrolment_get(user=request.user, pk=pk)
    except Enrolment.DoesNotExist:
        raise Http404 from None
    findings = (finding_list(user=request.user).filter(enrolment=enrolment, status__in=LIVE_STATUSES)
                .select_related("last_run").order_by("code"))
    return render(request, "portal/_enrolment_findings.html", {"enrolment": enrolment, "findings": findings})
