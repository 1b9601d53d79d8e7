"""What a user may do with a payment, recovery or final report now — the pages' buttons and the API's
``actions`` — asked of the one permission decision (``core.scoping``: who may, on which rows, with the
object's conditions such as four eyes, from which status), the same decision the services enforce."""

from __future__ import annotations

from acts.choices import PAYABLE_ACT_STATUSES
from acts.models import Act
from core.scoping import allowed_actions, may
from payments.models import FinalReport, Payment, Recovery

# What a payment's page and API offer (the other transitions are taken by registries and the bank).
PAYMENT_PAGE_ACTIONS = ("approve", "cancel", "reissue")


def act_may_prepare_payment(act: Act, user, *, has_live_payment: bool) -> bool:
    """An operator prepares the payment of an accepted act that has no live payment."""
    return act.status in PAYABLE_ACT_STATUSES and not has_live_payment and may(user, "prepare", Payment(act=act))


def payment_actions(payment: Payment, user) -> set[str]:
    actions = set(allowed_actions(user, payment)) & set(PAYMENT_PAGE_ACTIONS)
    if "reissue" in actions and hasattr(payment, "reissued_as"):
        actions.discard("reissue")  # re-issued once already
    return actions


def recovery_may_cancel(recovery: Recovery, user) -> bool:
    return "cancel" in allowed_actions(user, recovery)


def report_may_approve(report: FinalReport, user) -> bool:
    return "approve" in allowed_actions(user, report)
