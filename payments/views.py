"""Pages of payments, the bank exchange, recoveries and final reports.

Views parse the request, call one selector or service, and render; services enforce every rule
and their ``DomainError`` becomes a message on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from acts import selectors as act_selectors
from acts.forms import ReasonForm
from acts.models import Act
from acts.pdf import money
from core.errors import DomainError
from core.exports import export_response
from core.money import ZERO
from core.pagination import keyset_page
from core.roles import Role
from core.scoping import allowed_actions, denial, effective_role, may
from core.selectors import audit_events_for
from core.sorting import Sorting
from core.tabular import RowsInvalid
from core.web import attempt
from oversight.selectors import payment_hold, payment_holds
from payments import selectors, services
from payments.choices import DEAD_PAYMENT_STATUSES, BankResult, ConfirmationStatus, PaymentStatus
from payments.filters import PaymentFilterSet, RecoveryFilterSet
from payments.forms import BankConfirmationForm, ReportPrepareForm
from payments.models import BankConfirmation, FinalReport, Payment, PaymentRegistry
from payments.pdf import report_headers, report_pdf, report_rows
from payments.permissions import act_may_prepare_payment, payment_actions, recovery_may_cancel, report_may_approve
from payments.reports import report_figures
from payments.services.payments import offset_plan, offset_plans

PAGE_SIZE = 50
# Sortable columns. Payments: by preparation and by amount, both ways, on the indexes ``payment_list_order``
# (-prepared_at, -id) and ``payment_by_amount`` (amount, id).
# Registries: a small table (one per export, a few a day at most), by creation.
PAYMENT_SORTING = Sorting({"prepared": ("prepared_at", "id"), "amount": ("amount", "id")}, default="-prepared")
REGISTRY_SORTING = Sorting({"created": ("created_at", "id"), "payments": ("payment_count", "id"),
                            "total": ("total_amount", "id")}, default="-created")
# Recoveries: one per paid line a later check run found in error, so they grow with the act lines over the years; by
# recording and by amount, both ways, on the indexes ``recovery_list_order`` and ``recovery_by_amount``.
RECOVERY_SORTING = Sorting({"recorded": ("created_at", "id"), "amount": ("amount", "id")}, default="recorded")
# Final reports: one per contract and school year (a few thousand a year at most), any column.
REPORT_SORTING = Sorting({"year": ("school_year", "id"), "contract": ("contract__number", "id"),
                          "status": ("status", "-school_year", "-id")}, default="-year")


def _page(request, queryset):
    return keyset_page(request, queryset, PAGE_SIZE)


def _form_error(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# --- payments ---------------------------------------------------------------------------------


@login_required
def payment_list(request):
    filterset = PaymentFilterSet(request.GET or None, queryset=selectors.payment_list(user=request.user), request=request)
    payments, sort = PAYMENT_SORTING.apply(request, filterset.qs)
    awaiting = None
    if effective_role(request.user) in (Role.OPERATOR, Role.MONITOR):
        awaiting = list(selectors.acts_awaiting_payment(user=request.user))
        holds = payment_holds(act.pk for act in awaiting)  # a monitoring case holds some of them
        plans = offset_plans(awaiting) if may(request.user, "prepare", Payment) else {}
        for act in awaiting:
            act.held_by = holds.get(act.pk)
            act.prepare_facts = _prepare_facts(act, plans[act.pk]) if act.pk in plans else []
    return render(request, "payments/payment_list.html", {
        "filter": filterset, "page": _page(request, payments), "sort": sort, "awaiting": awaiting,
        "may_prepare": may(request.user, "prepare", Payment),
    })


@login_required
@require_POST
def payment_prepare(request, act_pk):
    act = _awaiting_act(request, act_pk)
    created = {}

    def prepare():
        created["payment"] = services.payment_prepare(act=act, actor=request.user)

    if attempt(request, prepare, _("The payment was prepared; another operator must approve it."))[0]:
        return redirect("payments:payment_detail", pk=created["payment"].pk)
    return redirect("payments:payments")


def _awaiting_act(request, act_pk) -> Act:
    act = selectors.acts_awaiting_payment(user=request.user).filter(pk=act_pk).first()
    if act is None:
        raise Http404
    return act


@login_required
@require_GET
def act_payments(request, act_pk):
    """The payments of an act, and the operator's "prepare the payment" (a fragment the act page loads)."""
    act = act_selectors.act_get(user=request.user, pk=act_pk)
    payments = list(selectors.act_payments(act=act, user=request.user))
    has_live_payment = any(p.status not in DEAD_PAYMENT_STATUSES for p in payments)
    may_prepare = act_may_prepare_payment(act, request.user, has_live_payment=has_live_payment)
    hold = payment_hold(act.pk) if may_prepare or has_live_payment else None
    may_prepare = may_prepare and hold is None
    return render(request, "payments/_act_payments.html", {
        "act": act, "payments": payments, "may_prepare": may_prepare, "hold": hold,
        "prepare_facts": _prepare_facts(act) if may_prepare else [],
    })


def _prepare_facts(act, plan=None) -> list[tuple[str, object]]:
    """What the preparing dialog shows: the accepted amount, the recoveries it offsets, the amount to pay, the payee
    (``plan``: the act's ``offset_plan``, when the caller read several at once)."""
    plan = offset_plan(act, lock=False) if plan is None else plan
    offset = sum((take for _recovery, take in plan), ZERO)
    return [
        (_("Accepted amount"), money(act.accepted_amount)),
        (_("Recoveries offset"), f"{money(offset)} ({len(plan)})"),
        (_("Amount to pay"), money(act.accepted_amount - offset)),
        (_("Payee"), f"{act.school.name} · {act.school.bin}"),
        (_("Bank account (IBAN)"), act.school.iban or "—"),
    ]


@login_required
def payment_detail(request, pk):
    payment = selectors.payment_get(user=request.user, pk=pk)
    actions = payment_actions(payment, request.user)
    hold = payment_hold(payment.act_id) if payment.status in (PaymentStatus.PREPARED, PaymentStatus.APPROVED) else None
    if hold is not None:
        actions.discard("approve")
    return render(request, "payments/payment_detail.html", {
        "payment": payment, "offsets": list(selectors.payment_offsets(payment=payment)),
        "actions": actions, "reason_form": ReasonForm(), "hold": hold,
        "events": audit_events_for(subject=payment),
        # why this user may not approve it (four eyes: the preparer is told another operator must)
        "approve_refusal": denial(request.user, "approve", payment) if payment.status == PaymentStatus.PREPARED else None,
    })


@login_required
@require_POST
def payment_transition(request, pk, action):
    payment = selectors.payment_get(user=request.user, pk=pk)
    if action == "approve":
        attempt(request, lambda: services.payment_approve(payment=payment, actor=request.user), _("The payment was approved."))
    elif action == "cancel":
        form = ReasonForm(request.POST)
        if form.is_valid():
            attempt(request, lambda: services.payment_cancel(payment=payment, actor=request.user,
                                                              reason=form.cleaned_data["reason"]),
                     _("The payment was cancelled."))
        else:
            _form_error(request, form)
    elif action == "reissue":
        created = {}

        def reissue():
            created["payment"] = services.payment_reissue(payment=payment, actor=request.user)

        if attempt(request, reissue, _("A new payment was prepared; another operator must approve it."))[0]:
            return redirect("payments:payment_detail", pk=created["payment"].pk)
    else:
        raise Http404
    return redirect("payments:payment_detail", pk=payment.pk)


# --- the bank exchange --------------------------------------------------------------------------


@login_required
def bank(request):
    if effective_role(request.user) not in (Role.OPERATOR, Role.MONITOR, Role.ADMIN):
        raise Http404
    registries, sort = REGISTRY_SORTING.apply(request, selectors.registry_list(user=request.user))
    return render(request, "payments/bank.html", {
        "registries": _page(request, registries), "sort": sort,
        "awaiting": selectors.payments_awaiting_registry(user=request.user),
        "confirmations": selectors.confirmation_list(user=request.user)[:20],
        "upload_form": BankConfirmationForm(),
        "may_create_registry": may(request.user, "add", PaymentRegistry),
        "registry_facts": _registry_facts(request.user),
        "may_upload": may(request.user, "upload", BankConfirmation),
    })


def _registry_facts(user) -> list[tuple[str, object]]:
    """What the new-registry dialog shows: how many approved payments it takes and their sum."""
    awaiting = selectors.payments_awaiting_registry(user=user).aggregate(count=Count("pk"), total=Sum("amount", default=ZERO))
    return [(_("Payments"), awaiting["count"]), (_("Amount to transfer"), money(awaiting["total"]))]


@login_required
@require_POST
def registry_create(request):
    attempt(request, lambda: services.registry_create(actor=request.user),
             _("The registry was created; download it for the bank."))
    return redirect("payments:bank")


@login_required
def registry_export(request, pk, fmt):
    registry = selectors.registry_get(user=request.user, pk=pk)
    return export_response(fmt=fmt, filename=f"registry-{registry.number}", headers=selectors.REGISTRY_HEADERS,
                           rows=selectors.registry_rows(registry=registry))


@login_required
@require_POST
def confirmation_upload(request):
    form = BankConfirmationForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_error(request, form)
        return redirect("payments:bank")
    try:
        confirmation, _rows = services.confirmation_upload(file=form.cleaned_data["file"], actor=request.user)
    except RowsInvalid as exc:
        return render(request, "payments/bank_errors.html", {"error": exc, "file_name": form.cleaned_data["file"].name},
                      status=400)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payments:bank")
    return redirect("payments:confirmation_detail", pk=confirmation.pk)


@login_required
def confirmation_detail(request, pk):
    confirmation = selectors.confirmation_get(user=request.user, pk=pk)
    rows, problem = [], None
    if confirmation.status == ConfirmationStatus.PREVIEWED:
        try:
            rows = services.confirmation_check(content=bytes(confirmation.content))
        except RowsInvalid as exc:
            problem = exc
    payments = selectors.payment_list(user=request.user).filter(confirmation=confirmation)
    paid = [row for row in rows if row.status == BankResult.PAID]
    failed = [row for row in rows if row.status != BankResult.PAID]
    apply_facts = [  # what the applying dialog shows
        (_("Payments confirmed as paid"), len(paid)), (_("Their amount"), money(sum((r.amount for r in paid), ZERO))),
        (_("Payments failed (to re-issue)"), len(failed)), (_("Their amount"), money(sum((r.amount for r in failed), ZERO))),
    ]
    return render(request, "payments/confirmation_detail.html", {
        "confirmation": confirmation, "rows": rows, "problem": problem, "payments": payments, "apply_facts": apply_facts,
        "may_apply": "apply" in allowed_actions(request.user, confirmation) and not problem,
    })


@login_required
@require_POST
def confirmation_apply(request, pk):
    confirmation = selectors.confirmation_get(user=request.user, pk=pk)
    attempt(request, lambda: services.confirmation_apply(confirmation=confirmation, actor=request.user),
             _("The bank's confirmation was applied."))
    return redirect("payments:confirmation_detail", pk=confirmation.pk)


# --- recoveries and final reports -----------------------------------------------------------------


@login_required
def recovery_list(request):
    filterset = RecoveryFilterSet(request.GET or None, queryset=selectors.recovery_list(user=request.user), request=request)
    recoveries, sort = RECOVERY_SORTING.apply(request, filterset.qs)
    page = _page(request, recoveries)
    for recovery in page:
        recovery.may_cancel = recovery_may_cancel(recovery, request.user)
    return render(request, "payments/recovery_list.html", {"filter": filterset, "page": page, "sort": sort,
                                                           "reason_form": ReasonForm()})


@login_required
@require_POST
def recovery_cancel(request, pk):
    recovery = selectors.recovery_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: services.recovery_cancel(recovery=recovery, actor=request.user,
                                                           reason=form.cleaned_data["reason"]),
                 _("The recovery was cancelled."))
    else:
        _form_error(request, form)
    return redirect("payments:recoveries")


@login_required
def report_list(request):
    contracts = selectors.contracts_without_report(user=request.user)
    may_prepare = may(request.user, "prepare", FinalReport)
    reports, sort = REPORT_SORTING.apply(request, selectors.report_list(user=request.user))
    return render(request, "payments/report_list.html", {
        "page": _page(request, reports), "sort": sort,
        "prepare_form": ReportPrepareForm(contracts=contracts) if may_prepare and contracts.exists() else None,
    })


@login_required
@require_POST
def report_prepare(request):
    form = ReportPrepareForm(request.POST, contracts=selectors.contracts_without_report(user=request.user))
    if not form.is_valid():
        _form_error(request, form)
        return redirect("payments:reports")
    created = {}

    def prepare():
        created["report"] = services.final_report_prepare(contract=form.cleaned_data["contract"], actor=request.user)

    if attempt(request, prepare, _("The final report was prepared."))[0]:
        return redirect("payments:report_detail", pk=created["report"].pk)
    return redirect("payments:reports")


def _report_and_figures(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    return report, (report.figures or report_figures(report.contract))


@login_required
def report_detail(request, pk):
    report, figures = _report_and_figures(request, pk)
    return render(request, "payments/report_detail.html", {
        "report": report, "figures": figures, "headers": report_headers(),
        "rows": [(row, row[1] == _("Total")) for row in report_rows(figures)],
        "may_approve": report_may_approve(report, request.user), "events": audit_events_for(subject=report),
    })


@login_required
@require_POST
def report_approve(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    attempt(request, lambda: services.final_report_approve(report=report, actor=request.user),
             _("The final report was approved; its figures are frozen."))
    return redirect("payments:report_detail", pk=report.pk)


@login_required
def report_download(request, pk, fmt):
    report, figures = _report_and_figures(request, pk)
    filename = f"final-report-{report.pk}-{report.school_year}"
    if fmt == "pdf":
        response = HttpResponse(report_pdf(report=report, figures=figures), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        return response
    return export_response(fmt=fmt, filename=filename, headers=report_headers(), rows=report_rows(figures))
