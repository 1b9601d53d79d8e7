"""Reads of payments, registries, bank confirmations, recoveries and reports — always scoped to what
the user may see."""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from acts.choices import PAYABLE_ACT_STATUSES
from acts.models import Act
from orders.choices import ContractStatus
from orders.models import Contract
from payments.choices import DEAD_PAYMENT_STATUSES, PaymentStatus
from payments.models import BankConfirmation, FinalReport, Payment, PaymentRegistry, Recovery


def _filtered(queryset, filterset_class, filters, user=None):
    if filters:
        # Some filters ask who is looking ("awaiting my approval"), as the API's filters ask the request.
        return filterset_class(filters, queryset=queryset, request=SimpleNamespace(user=user)).qs
    return queryset


# --- payments -----------------------------------------------------------------------------


def payment_list(*, user, filters: dict | None = None):
    from payments.filters import PaymentFilterSet

    queryset = Payment.objects.visible_to(user).select_related(
        "act__contract", "act__school", "prepared_by", "approved_by", "registry", "reissued_as")
    return _filtered(queryset, PaymentFilterSet, filters, user)


def payment_get(*, user, pk) -> Payment:
    return get_object_or_404(payment_list(user=user), pk=pk)


def act_payments(*, act: Act, user):
    return Payment.objects.visible_to(user).filter(act=act).select_related("prepared_by", "approved_by", "registry")


def payment_offsets(*, payment: Payment):
    return payment.offsets.select_related("recovery__line__act", "recovery__finding").order_by("recovery__created_at", "id")


def acts_awaiting_payment(*, user):
    """Accepted acts without a live payment (what an operator prepares next)."""
    live = Payment.objects.filter(act=OuterRef("pk")).exclude(status__in=DEAD_PAYMENT_STATUSES)
    return (
        Act.objects.visible_to(user).filter(status__in=PAYABLE_ACT_STATUSES).filter(~Exists(live))
        .select_related("contract", "school").order_by("reviewed_at", "id")
    )


def payments_awaiting_registry(*, user):
    return payment_list(user=user).filter(status=PaymentStatus.APPROVED, registry__isnull=True).order_by("id")


def registry_list(*, user):
    return PaymentRegistry.objects.visible_to(user).select_related("created_by")


def registry_get(*, user, pk) -> PaymentRegistry:
    return get_object_or_404(registry_list(user=user), pk=pk)


REGISTRY_HEADERS = ["payment_reference", "bin", "payee", "iban", "amount", "purpose", "contract_number", "month"]


def registry_rows(*, registry: PaymentRegistry):
    payments = registry.payments.select_related("act__contract").order_by("id")
    for p in payments:
        yield [p.reference, p.payee_bin, p.payee_name, p.payee_iban, p.amount, p.purpose, p.act.contract.number,
               f"{p.act.month:%Y-%m}"]


def confirmation_list(*, user):
    return BankConfirmation.objects.visible_to(user).select_related("uploaded_by", "applied_by").defer("content")


def confirmation_get(*, user, pk) -> BankConfirmation:
    return get_object_or_404(BankConfirmation.objects.visible_to(user), pk=pk)


# --- recoveries and reports ---------------------------------------------------------------


def recovery_list(*, user, filters: dict | None = None):
    from payments.filters import RecoveryFilterSet

    queryset = Recovery.objects.visible_to(user).select_related(
        "contract__school", "line__act", "finding", "detected_by_run")
    return _filtered(queryset, RecoveryFilterSet, filters)


def recovery_get(*, user, pk) -> Recovery:
    return get_object_or_404(recovery_list(user=user), pk=pk)


def report_list(*, user, filters: dict | None = None):
    from payments.filters import FinalReportFilterSet

    queryset = FinalReport.objects.visible_to(user).select_related("contract__school", "contract__order", "approved_by")
    return _filtered(queryset, FinalReportFilterSet, filters)


def report_get(*, user, pk) -> FinalReport:
    return get_object_or_404(report_list(user=user), pk=pk)


def contracts_without_report(*, user):
    return (
        Contract.objects.visible_to(user).exclude(status=ContractStatus.DRAFT)
        .filter(~Q(final_reports__isnull=False)).select_related("school", "order").order_by("number")
    )
