"""Monitoring-case pages: list, open (by hand or from a finding), the case with its dialogue, and one
POST view per step. Monitors write here — the one exception to their read-only rule, declared in
``core.scoping.MONITOR_ACTIONS``. Each POST view names its action (``permission_required``: the role
may take it at all); the service asks the same decision on the case itself (``require``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from acts.selectors import act_get
from core.decorators import permission_required
from core.errors import DomainError
from core.roles import NATIONWIDE_ROLES
from core.scoping import effective_role, may
from core.sorting import Sorting
from core.web import error_text, form_add_domain_error
from oversight import selectors, services
from oversight.choices import FINAL_STATUSES, FLAG_KINDS, CaseGround, SubjectKind
from oversight.forms import AttachForm, CaseAskForm, CaseConcludeForm, CaseOpenForm, CaseSearchForm, ReasonForm, TextForm
from oversight.models import CaseAttachment, CaseQuestion, MonitoringCase
from oversight.permissions import case_actions

PAGE_SIZE = 50
MAX_ID = 2**63 - 1


# The cases' sortable columns: a small table (cases are opened by hand), any column without an index.
CASE_SORTING = Sorting({"opened": ("opened_at", "id"), "status": ("status", "-opened_at", "-id"),
                        "ground": ("ground", "-opened_at", "-id")}, default="-opened")


def _case_or_404(user, pk: int) -> MonitoringCase:
    if not 0 < pk <= MAX_ID:
        raise Http404
    try:
        return selectors.case_get(user=user, pk=pk)
    except MonitoringCase.DoesNotExist:
        raise Http404 from None


@require_safe
@login_required
def case_list(request):
    filters = {key: request.GET.getlist(key) if key == "status" else request.GET.get(key)
               for key in ("status", "ground", "school", "school_bin", "finding", "subject_kind", "subject_id") if request.GET.get(key)}
    form = CaseSearchForm(filters)
    form.is_valid()
    cases, sort = CASE_SORTING.apply(request, selectors.case_list(user=request.user, filters=filters))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    labels = selectors.subject_labels(user=request.user, cases=page.object_list)
    for case in page.object_list:
        case.subject_label = labels[case.pk]
    return render(request, "oversight/case_list.html", {
        "form": form, "page": page, "total": page.paginator.count, "may_open": may(request.user, "open", MonitoringCase),
        "sort": sort, "query": query.urlencode(),
    })


def _finding(request, value):
    from checks.models import Finding
    from checks.selectors import finding_get

    try:
        return finding_get(user=request.user, pk=int(value)) if value and 0 < int(value) <= MAX_ID else None
    except (ValueError, Finding.DoesNotExist):
        raise Http404 from None


@permission_required(MonitoringCase, "open")
def case_open(request):
    finding = _finding(request, request.GET.get("finding") or request.POST.get("finding"))
    initial = {}
    if finding is not None:
        initial = {"subject_kind": SubjectKind.SCHOOL, "subject_id": finding.school_id, "ground": CaseGround.RISK_INDICATOR}
    elif request.GET.get("subject_kind") in SubjectKind.values and request.GET.get("subject_id", "").isdigit():
        initial = {"subject_kind": request.GET["subject_kind"], "subject_id": request.GET["subject_id"]}  # from the subject's page
        if initial["subject_kind"] in FLAG_KINDS:  # from a flag's page: a risk indicator, named in the details
            initial["ground"] = CaseGround.RISK_INDICATOR
            flag = selectors.flag_for_case(user=request.user, kind=initial["subject_kind"], pk=int(initial["subject_id"]))
            if flag is not None:
                initial["ground_details"] = _("%(kind)s %(code)s #%(id)s: %(label)s.") % {
                    "kind": SubjectKind(initial["subject_kind"]).label, "code": flag.code, "id": flag.pk,
                    "label": flag.get_code_display()}
    form = CaseOpenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, finding=finding, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("Case %(number)s is open.") % {"number": case.number})
            return redirect("oversight:case-detail", pk=case.pk)
    return render(request, "oversight/case_open.html", {"form": form, "finding": finding},
                  status=400 if request.method == "POST" else 200)


def _context(request, case, **forms) -> dict:
    user = request.user
    actions = case_actions(case, user)
    live = case.status not in FINAL_STATUSES
    questions = list(selectors.case_questions(user=user, case=case))
    for question in questions:
        question.may_answer = live and not question.answered and may(user, "answer", question)
    return {
        "case": case, "subject_url": selectors.subject_url(user=user, case=case),
        "subject_label": selectors.subject_labels(user=user, cases=[case])[case.pk],
        "questions": questions, "notes": selectors.case_notes(user=user, case=case),
        "attachments": selectors.case_attachments(user=user, case=case), "events": selectors.case_events(user=user, case=case),
        "monitor": "note" in actions, "live": live,
        "nationwide": effective_role(user) in NATIONWIDE_ROLES,
        "may_ask": "ask" in actions, "may_conclude": "conclude" in actions,
        "may_report": "report_elimination" in actions, "may_close": "close_case" in actions,
        "may_reject": "reject_report" in actions, "may_cancel": "cancel_case" in actions,
        "may_attach": "attach" in actions,
        "ask_form": forms.get("ask") or CaseAskForm(), "note_form": forms.get("note") or TextForm(),
        "conclude_form": forms.get("conclude") or CaseConcludeForm(), "report_form": forms.get("report") or TextForm(),
        "reason_form": forms.get("reason") or ReasonForm(), "attach_form": forms.get("attach") or AttachForm(),
        "answer_form": TextForm(),
    }


@require_safe
@login_required
def case_detail(request, pk: int):
    case = _case_or_404(request.user, pk)
    return render(request, "oversight/case_detail.html", _context(request, case))


# step name → (form class, context key, service call)
STEPS = {
    "ask": (CaseAskForm, "ask", lambda case, actor, data: services.case_ask(case=case, actor=actor, **data),
            _("The question is sent.")),
    "note": (TextForm, "note", lambda case, actor, data: services.case_note_add(case=case, actor=actor, text=data["text"]),
             _("The note is kept.")),
    "conclude": (CaseConcludeForm, "conclude", lambda case, actor, data: services.case_conclude(case=case, actor=actor, **data),
                 _("The conclusion is issued.")),
    "report": (TextForm, "report",
               lambda case, actor, data: services.case_report_elimination(case=case, actor=actor, text=data["text"]),
               _("The elimination report is submitted.")),
    "reject-report": (ReasonForm, "reason",
                      lambda case, actor, data: services.case_reject_report(case=case, actor=actor, reason=data["reason"]),
                      _("The report is sent back.")),
    "close": (ReasonForm, "reason", lambda case, actor, data: services.case_close(case=case, actor=actor, note=data["reason"]),
              _("The case is closed.")),
    "cancel": (ReasonForm, "reason", lambda case, actor, data: services.case_cancel(case=case, actor=actor, reason=data["reason"]),
               _("The case is cancelled.")),
}


# step name → the action it is (``MonitoringCase.scope``)
STEP_ACTIONS = {"ask": "ask", "note": "note", "conclude": "conclude", "report": "report_elimination",
                "reject-report": "reject_report", "close": "close_case", "cancel": "cancel_case", "attach": "attach"}


def _case_step(request, pk: int, step: str):
    case = _case_or_404(request.user, pk)
    if step == "attach":
        form = AttachForm(request.POST, request.FILES)
        key, call, success = "attach", None, _("The file is attached.")
    else:
        form_class, key, call, success = STEPS[step]
        form = form_class(request.POST)
    if form.is_valid():
        try:
            if call is None:
                services.case_attach(case=case, actor=request.user, upload=form.cleaned_data["file"],
                                     internal=form.cleaned_data["internal"])
            else:
                call(case, request.user, form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
            messages.error(request, error_text(error))
        else:
            messages.success(request, success)
            return redirect("oversight:case-detail", pk=case.pk)
    case = _case_or_404(request.user, pk)
    return render(request, "oversight/case_detail.html", _context(request, case, **{key: form}), status=400)


def _step_view(step: str):
    @permission_required(MonitoringCase, STEP_ACTIONS[step])
    @require_POST
    def view(request, pk: str, step: str):  # the URL's step is this view's own (one pattern per step)
        return _case_step(request, int(pk), step)

    view.__name__ = view.__qualname__ = f"case_{step.replace('-', '_')}"
    return view


# One view per step, each marked with its action (the read-only middleware lets a monitor's POST reach
# only a view whose action a monitor may take).
STEP_VIEWS = {step: _step_view(step) for step in STEP_ACTIONS}


@permission_required(CaseQuestion, "answer")
@require_POST
def question_answer(request, pk: int):
    question = CaseQuestion.objects.visible_to(request.user).select_related("case").filter(pk=pk).first()
    if question is None:
        raise Http404
    form = TextForm(request.POST)
    if form.is_valid():
        try:
            services.case_answer(question=question, actor=request.user, text=form.cleaned_data["text"])
        except DomainError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Your answer is sent."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect("oversight:case-detail", pk=question.case_id)


@require_safe
@login_required
def attachment_download(request, pk: int):
    attachment = CaseAttachment.objects.visible_to(request.user).filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@require_safe
@login_required
def act_cases(request, act_pk: int):
    """The monitoring cases in progress on an act, and whether its payment waits: a fragment the act page
    loads by URL name (the acts app sits below this one)."""
    act = act_get(user=request.user, pk=act_pk)
    cases = (selectors.cases_about(user=request.user, kind=SubjectKind.ACT, subject_id=act.pk)
             .exclude(status__in=FINAL_STATUSES).select_related("opened_by"))
    hold = selectors.payment_hold(act.pk)
    return render(request, "oversight/_act_cases.html", {
        "act": act, "cases": cases, "hold_id": getattr(hold, "pk", None), "may_open": may(request.user, "open", MonitoringCase),
    })
