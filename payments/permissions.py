"""Which actions a user may take on an object now — for showing buttons, from the same rules the
services enforce (the transitions tables and the object-level checks)."""

from __future__ import annotations

from accounts.choices import Role
from core.errors import DomainError
from core.workflow import transition_check
from payments.choices import PAYABLE_ACT_STATUSES, PaymentStatus, RecoveryStatus
from payments.models import Act, FinalReport, Payment, Recovery


def _allowed(obj, transitions, action, user) -> bool:
    try:
        transition_check(obj=obj, transitions=transitions, action=action, actor=user)
    except DomainError:
        return False
    return True


def act_actions(act: Act, user, *, has_live_payment: bool) -> set[str]:
    """Names of what ``user`` may do with ``act`` now."""
    actions = set()
    role = getattr(user, "role", None)
    if role == Role.SCHOOL and user.school_id == act.school_id:
        actions |= {a for a in ("submit", "rebuild", "correct") if _allowed(act, Act.TRANSITIONS, a, user)}
    if role == Role.DEPARTMENT and user.region_id == act.contract.order.region_id:
        if _allowed(act, Act.TRANSITIONS, "accept", user):
            actions |= {"decide", "accept", "partly_accept", "return"}
    if role == Role.OPERATOR and act.status in PAYABLE_ACT_STATUSES and not has_live_payment:
        actions.add("prepare_payment")
    return actions


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
            and _allowed(report, FinalReport.TRANSITIONS, "approve", user))
