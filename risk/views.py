"""Risk pages: the overview (regions, top schools, trend), a school's risk, the flags with their evidence in
plain words, the replay of a flag, the runs. Schools never reach any of them: a 403 page with the translated
reason (``core.decorators.role_required`` with the roles of ``risk.permissions``); the rows each page shows are the
models' scopes (``core.scoping``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from core.decorators import role_required
from core.exports import FORMATS, export_response
from core.models import localized
from core.pagination import keyset_page
from core.scoping import may
from core.sorting import Sorting
from oversight.choices import SubjectKind
from oversight.models import MonitoringCase
from oversight.selectors import cases_about
from risk import selectors
from risk.choices import RiskCode, RiskFlagStatus
from risk.explanations import explain
from risk.forms import RiskFlagSearchForm
from risk.models import RiskFlag
from risk.permissions import RISK_ROLES, RUN_ROLES
from risk.replay import flag_replay
from schools.models import School

PAGE_SIZE = 50
MAX_ID = 2**63 - 1
FILTER_KEYS = ("code", "status", "school", "school_bin", "region", "iin", "run")
def _flag_or_404(user, pk: int) -> RiskFlag:
    if not 0 < pk <= MAX_ID:
        raise Http404
    try:
        return selectors.flag_get(user=user, pk=pk)
    except RiskFlag.DoesNotExist:
        raise Http404 from None


def case_link(flag: RiskFlag, user) -> str | None:
    """The page that opens a monitoring case on ``flag``, for those who may open one (``MonitoringCase.scope``)."""
    if not may(user, "open", MonitoringCase):
        return None
    return f"{reverse('oversight:case-open')}?subject_kind={SubjectKind.RISK_FLAG}&subject_id={flag.pk}"


@role_required(*RISK_ROLES)
@require_GET
def overview(request):
    run = selectors.latest_run()
    regions = selectors.region_table(user=request.user, run=run)
    trend = selectors.trend(user=request.user)
    top = list(selectors.score_list(user=request.user, run=run).filter(score__gt=0)[:20])
    chart = {
        "regions": {"labels": [localized(row["region"], "name") for row in regions],
                    "flagged": [row["flagged"] for row in regions], "label": _("schools flagged")},
        "trend": {"labels": [row["run"].check_date.isoformat() for row in trend],
                  "series": [{"label": code, "data": [row["codes"][index] for row in trend]}
                             for index, code in enumerate(RiskCode.values)]},
    }
    return render(request, "risk/overview.html", {
        "run": run, "regions": regions, "tiles": selectors.region_map(regions), "trend": trend, "top": top, "codes": RiskCode.choices, "chart": chart,
    })


@role_required(*RISK_ROLES)
@require_GET
def school_risk(request, pk: int):
    if not 0 < pk <= MAX_ID:
        raise Http404
    school = School.objects.visible_to(request.user).select_related("region").filter(pk=pk).first()
    if school is None:
        raise Http404
    flags = list(selectors.school_flags(user=request.user, school=school))
    closed = list(selectors.school_flags(user=request.user, school=school, status=RiskFlagStatus.CLOSED)[:50])
    return render(request, "risk/school.html", {
        "school": school, "score": selectors.school_score(user=request.user, school=school), "run": selectors.latest_run(),
        "flags": [(flag, explain(flag)) for flag in flags], "closed": [(flag, explain(flag)) for flag in closed],
    })


def _filters(request) -> dict:
    return {key: request.GET.getlist(key) if key in ("code", "status") else request.GET.get(key)
            for key in FILTER_KEYS if request.GET.get(key)}


# The flags' sortable column: the risk run (date D), both ways, on the index ``risk_flag_list_order`` (-last_run, code, id).
FLAG_SORTING = Sorting({"run": ("last_run_id", "-code", "-id")}, default="-run")


@role_required(*RISK_ROLES)
@require_GET
def flag_list(request):
    filters = _filters(request)
    form = RiskFlagSearchForm(filters, user=request.user)
    form.is_valid()
    flags, sort = FLAG_SORTING.apply(request, selectors.flag_list(user=request.user, filters=filters))
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        return _export(flags, fmt)
    page = keyset_page(request, flags, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    query.pop("export", None)
    return render(request, "risk/flag_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "total": page.total, "sort": sort,
        "rows": [(flag, explain(flag)) for flag in page],
    })


EXPORT_HEADERS = (_lazy("id"), _lazy("code"), _lazy("status"), _lazy("school BIN"), _lazy("school"), _lazy("region"),
                  _lazy("IIN"), _lazy("payment"), _lazy("month"), _lazy("date D"), _lazy("NOBD snapshot"),
                  _lazy("rule version"), _lazy("what was found"), _lazy("SHA-256 of the evidence"),
                  _lazy("first raised by"), _lazy("last raised by"))


def _export(flags, fmt: str):
    headers = [str(name) for name in EXPORT_HEADERS]

    def rows():
        for flag in flags.iterator(chunk_size=500):
            yield [flag.pk, flag.code, flag.get_status_display(), flag.school.bin, flag.school.name, flag.school.region_id,
                   flag.pupil_iin, flag.payment_id or "", flag.month, flag.last_run.check_date, flag.last_run.snapshot_id,
                   flag.rule_version, explain(flag).summary, flag.evidence_sha256, flag.first_run_id, flag.last_run_id]

    return export_response(fmt=fmt, filename=f"risk-flags-{timezone.localdate():%Y-%m-%d}", headers=headers, rows=rows())


@role_required(*RISK_ROLES)
@require_GET
def flag_detail(request, pk: int):
    flag = _flag_or_404(request.user, pk)
    versions = list(flag.evidence_versions.select_related("run").order_by("-run_id"))
    return render(request, "risk/flag_detail.html", {
        "flag": flag, "explanation": explain(flag), "versions": versions,
        "schools": flag.schools.visible_to(request.user).select_related("region").order_by("name_ru"),
        "open_case_url": case_link(flag, request.user),
        "cases": cases_about(user=request.user, kind=SubjectKind.RISK_FLAG, subject_id=flag.pk),
    })


@role_required(*RISK_ROLES)
@require_GET
def flag_replay_view(request, pk: int):
    """Recompute the flag from the stored snapshots with what its run used, and compare (changes nothing)."""
    flag = _flag_or_404(request.user, pk)
    replay = flag_replay(flag=flag)
    context = {"flag": flag, "replay": replay,
               "replayed": explain(flag, replay.recomputed) if replay.recomputed is not None else None}
    template = "risk/_replay.html" if request.htmx else "risk/replay.html"
    return render(request, template, context)


@role_required(*RUN_ROLES)
@require_GET
def run_list(request):
    page = Paginator(selectors.run_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "risk/run_list.html", {"page": page, "codes": RiskCode.values})
