"""Which actions a user may take on an object now — for showing buttons, from the same rules the
services enforce (the transitions tables and the object-level checks)."""

from __future__ import annotations

from acts.choices import PAYABLE_ACT_STATUSES
from acts.models import Act
from acts.permissions import allowed
from core.roles import Role
from payments.choices import PaymentStatus, RecoveryStatus
from payments.models import FinalReport, Payment, Recovery


def act_may_prepare_payment(act: Act, user, *, has_live_payment: bool) -> bool:
    """An operator prepares the payment of an accepted act that has no live payment."""
    return getattr(user, "role", None) == Role.OPERATOR and act.status in PAYABLE_ACT_STATUSES and not has_live_payment


def payment_actions(payment: Payment, user) -> set[str]:
    if getattr(user, "role", None) != Role.OPERATOR:
        return set()
    actions = set()
    if payment.status == PaymentStatus.PREPARED:
        actions.add("cancel")
        if payment.prepared_by_id != user.pk:
            actions.add("approve")
    if payment.status == PaymentStatus.FAILED and not hasattr(payment, "reissued_as"):
        actions.add("reissue")
    return actions


def recovery_may_cancel(recovery: Recovery, user) -> bool:
    role = getattr(user, "role", None)
    if recovery.status != RecoveryStatus.OPEN:
        return False
    return role == Role.OPERATOR or (role == Role.DEPARTMENT and user.region_id == recovery.contract.order.region_id)


def report_may_approve(report: FinalReport, user) -> bool:
    return (getattr(user, "role", None) == Role.DEPARTMENT and user.region_id == report.contract.order.region_id
            and allowed(report, FinalReport.TRANSITIONS, "approve", user))
