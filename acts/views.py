"""Pages of acts: the list, building, the act with its lines and review, the printable act, deadlines.

Views parse the request, call one selector or service, and render; services enforce every rule
and their ``DomainError`` becomes a message on the page. The payments of an act are shown by the
payments app (an HTMX fragment the act page loads by its URL name).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from acts import selectors, services
from acts.filters import ActFilterSet, LineFilterSet
from acts.forms import ActBuildForm, DecideLinesForm, InspectLineForm, ReasonForm
from acts.models import Act
from acts.pdf import act_pdf, money
from acts.permissions import act_actions
from core.errors import DomainError
from core.pagination import keyset_page
from core.scoping import may
from core.selectors import audit_events_for
from core.sorting import Sorting
from core.web import attempt, error_text

PAGE_SIZE = 50
# The act list's sortable columns, both ways, each on its index: the month (``act_list_order``: -month, school, -id),
# the total (``act_by_total``) and the status, newest month first (``act_by_status``: status, -month, -id).
ACT_SORTING = Sorting({"month": ("month", "-school_id", "id"), "total": ("total_amount", "id"),
                       "status": ("status", "-month", "-id")}, default="-month")
LINES_PAGE = 100  # the lines an act's page shows at once (~70 KB of HTML); the next ones load on demand (HTMX)
OVERDUE_PAGE_SIZE = 100  # a national list of late acts has thousands of rows


def _page(request, queryset):
    return keyset_page(request, queryset, PAGE_SIZE)


def _form_error(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# --- acts -------------------------------------------------------------------------------------


@login_required
def act_list(request):
    filterset = ActFilterSet(request.GET or None, queryset=selectors.act_list(user=request.user), request=request)
    acts, sort = ACT_SORTING.apply(request, filterset.qs)
    overdue = selectors.overdue_items(user=request.user).count()
    contracts = selectors.contracts_for_acts(user=request.user) if may(request.user, "build", Act) else None
    return render(request, "acts/act_list.html", {
        "filter": filterset, "page": _page(request, acts), "sort": sort, "overdue": overdue,
        "build_form": ActBuildForm(contracts=contracts) if contracts is not None and contracts.exists() else None,
    })


@login_required
@require_POST
def act_build(request):
    form = ActBuildForm(request.POST, contracts=selectors.contracts_for_acts(user=request.user))
    if not form.is_valid():
        _form_error(request, form)
        return redirect("acts:list")
    built = {}

    def build():
        built["act"] = services.act_build(contract=form.cleaned_data["contract"], month=form.cleaned_data["month"],
                                          actor=request.user)

    if attempt(request, build, _("The act is built from the contingent; check it and submit it."))[0]:
        return redirect("acts:detail", pk=built["act"].pk)
    return redirect("acts:list")


@login_required
def act_detail(request, pk):
    act = selectors.act_get(user=request.user, pk=pk)
    version = act.version
    if request.GET.get("version", "").isdigit():
        version = min(max(int(request.GET["version"]), 1), act.version)
    line_filter = LineFilterSet(request.GET or None, queryset=selectors.act_lines(act=act, version=version))
    actions = act_actions(act, request.user) if version == act.version else set()
    counts = selectors.line_counts(line_filter.qs)
    inspection = _inspection_context(request, act, version, actions)
    sampled = {entry.line_id for entry in inspection["sample"].entries} if inspection["sample"] else set()
    summary = selectors.act_line_summary(act=act) if actions & {"submit", "decide"} else None
    return render(request, "acts/act_detail.html", {
        "act": act, "version": version, "line_filter": line_filter, "counts": counts,
        "summary": summary, "summary_facts": _summary_facts(summary),
        "blocked_count": counts["blocked"],
        "submissions": list(selectors.act_submissions(act=act)),
        "actions": actions, "decide_form": DecideLinesForm(), "return_form": ReasonForm(),
        "events": audit_events_for(subject=act), "versions": range(act.version, 0, -1), **inspection,
        **_line_page(request, act, line_filter.qs, sampled),
    })


def _line_page(request, act, lines, sampled: set[int]) -> dict:
    """A page of an act's lines (``LINES_PAGE``, from the request's cursor) with their findings, numbered
    on from ``n``, and the link to the next page (an act has up to thousands of lines)."""
    page = keyset_page(request, lines, LINES_PAGE, count=False)
    first = int(request.GET["n"]) if request.GET.get("n", "").isdigit() else 1
    rows = page.object_list
    selectors.bind_act(rows, act)
    selectors.attach_findings(rows)
    select_label = _("Select the line of IIN %(iin)s")  # translated once, not once a line
    for number, line in enumerate(rows, start=first):
        line.number, line.sampled = number, line.pk in sampled
        line.select_label = select_label % {"iin": line.iin}
    more = None
    if page.has_next():
        more = f"{page.query}&cursor={page.next_cursor}&n={first + len(rows)}".lstrip("&")
    return {"lines": rows, "more_lines": more}


@login_required
def act_lines_more(request, pk):
    """The next page of an act's lines, as table rows (the act page loads them with HTMX)."""
    act = selectors.act_get(user=request.user, pk=pk)
    version = act.version
    if request.GET.get("version", "").isdigit():
        version = min(max(int(request.GET["version"]), 1), act.version)
    line_filter = LineFilterSet(request.GET or None, queryset=selectors.act_lines(act=act, version=version))
    actions = act_actions(act, request.user) if version == act.version else set()
    sample = selectors.inspection_sample(act=act, user=request.user, version=version)
    sampled = {entry.line_id for entry in sample.entries} if sample else set()
    return render(request, "acts/_line_rows.html", {"act": act, "actions": actions,
                                                     **_line_page(request, act, line_filter.qs, sampled)})


def _summary_facts(summary: dict | None) -> dict:
    """The (label, value) rows the submission and partial-acceptance dialogs show."""
    if summary is None:
        return {}
    return {
        "submit": [
            (_("Lines"), summary["count"]), (_("Total"), money(summary["total"])),
            (_("Lines not payable (open error)"), summary["blocked"]),
            (_("Their amount"), money(summary["blocked_amount"])),
        ],
        "partly_accept": [
            (_("Lines accepted"), summary["accepted"]), (_("Accepted amount (to be paid)"), money(summary["accepted_amount"])),
            (_("Lines rejected"), summary["rejected"]), (_("Rejected amount (not paid)"), money(summary["rejected_amount"])),
            (_("Lines not decided"), summary["pending"]),
        ],
    }


# --- acceptance after inspection (the sample of lines the department inspects) -----------------


def _inspection_context(request, act, version: int, actions: set[str], **extra) -> dict:
    sample = selectors.inspection_sample(act=act, user=request.user, version=version)
    entries = sample.entries if sample else []
    inspected = sum(1 for entry in entries if entry.inspected_at)
    return {"sample": sample, "inspected_count": inspected, "may_inspect": "inspect" in actions,
            "inspect_form": InspectLineForm(), **extra}


def _inspection_answer(request, act, message: str = "", error: str = ""):
    """The inspection panel again (an HTMX swap), or the act page with the message."""
    if request.htmx:
        act = selectors.act_get(user=request.user, pk=act.pk)
        context = _inspection_context(request, act, act.version, act_actions(act, request.user),
                                      message=message, error_message=error)
        return render(request, "acts/_inspection.html", {"act": act, **context})
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect(reverse("acts:detail", kwargs={"pk": act.pk}) + "#inspection")


@login_required
@require_POST
def inspection_draw(request, pk):
    act = selectors.act_get(user=request.user, pk=pk)
    try:
        sample = services.act_sample_draw(act=act, actor=request.user)
    except DomainError as error:
        return _inspection_answer(request, act, error=error_text(error))
    return _inspection_answer(request, act, message=_("The inspection sample has %(count)s line(s): inspect each of "
                                                      "them before accepting the act.") % {"count": sample.items.count()})


@login_required
@require_POST
def inspection_record(request, pk):
    act = selectors.act_get(user=request.user, pk=pk)
    form = InspectLineForm(request.POST)
    if not form.is_valid():
        return _inspection_answer(request, act, error=" ".join(str(e) for errors in form.errors.values() for e in errors))
    try:
        item = services.act_line_inspect(act=act, actor=request.user, **form.cleaned_data)
    except DomainError as error:
        return _inspection_answer(request, act, error=error_text(error))
    return _inspection_answer(request, act, message=_("Inspection of IIN %(iin)s recorded: %(result)s.")
                              % {"iin": item.line.iin, "result": item.get_result_display()})


@login_required
def act_pdf_view(request, pk):
    act = selectors.act_get(user=request.user, pk=pk)
    content = act_pdf(act=act, lines=selectors.act_lines(act=act), submissions=list(selectors.act_submissions(act=act)))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="act-{act.pk}-{act.month:%Y-%m}.pdf"'
    return response


ACT_TRANSITIONS = {
    "submit": (services.act_submit, gettext_lazy("The act was submitted to the education department.")),
    "rebuild": (services.act_rebuild, gettext_lazy("The act was rebuilt from the current contingent.")),
    "correct": (services.act_correct, gettext_lazy("A corrected version was built; check it and submit it again.")),
    "accept": (services.act_accept, gettext_lazy("The act was accepted.")),
}


@login_required
@require_POST
def act_transition(request, pk, action):
    act = selectors.act_get(user=request.user, pk=pk)
    if action not in ACT_TRANSITIONS:
        raise Http404
    service, success = ACT_TRANSITIONS[action]
    attempt(request, lambda: service(act=act, actor=request.user), str(success))
    return redirect("acts:detail", pk=act.pk)


@login_required
@require_POST
def act_partly_accept(request, pk):
    act = selectors.act_get(user=request.user, pk=pk)
    attempt(request, lambda: services.act_partly_accept(act=act, actor=request.user),
             _("The act was partly accepted: the rejected lines will not be paid."))
    return redirect("acts:detail", pk=act.pk)


@login_required
@require_POST
def act_return(request, pk):
    act = selectors.act_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: services.act_return(act=act, actor=request.user, reason=form.cleaned_data["reason"]),
                 _("The act was returned to the school for correction."))
    else:
        _form_error(request, form)
    return redirect("acts:detail", pk=act.pk)


@login_required
@require_POST
def act_decide(request, pk):
    act = selectors.act_get(user=request.user, pk=pk)
    form = DecideLinesForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return redirect("acts:detail", pk=act.pk)
    data = form.cleaned_data
    decided = {}

    def decide():
        decided["count"] = services.act_lines_decide(
            act=act, actor=request.user, decision=data["decision"], lines=data["lines"] if not data["selection"] else None,
            selection=data["selection"] or None, reason=data["reason"], note=data["note"])

    try:
        decide()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(count)s line(s) decided.") % {"count": decided["count"]})
    return redirect(reverse("acts:detail", kwargs={"pk": act.pk}) + "#lines")


@login_required
def overdue(request):
    page = Paginator(selectors.overdue_items(user=request.user), OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "acts/overdue.html", {"items": page.object_list, "page": page})
