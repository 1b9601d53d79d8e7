"""What a user may do with an act now — the page's buttons and the API's ``actions`` — asked of the one
permission decision (``core.scoping.allowed_actions``: who may, on which rows, from which status),
the same decision the services enforce."""

from __future__ import annotations

from acts.models import Act
from core.scoping import allowed_actions

# What the act's page and API offer (``mark_paid`` is taken by the payments, not by a button).
ACT_PAGE_ACTIONS = ("submit", "rebuild", "correct", "decide", "inspect", "accept", "partly_accept", "return")


def act_actions(act: Act, user) -> set[str]:
    """Names of what ``user`` may do with ``act`` now (paying it is the payments' question:
    ``payments.permissions.act_may_prepare_payment``)."""
    return set(allowed_actions(user, act)) & set(ACT_PAGE_ACTIONS)
