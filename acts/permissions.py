"""Which actions a user may take on an act now — for showing buttons, from the same rules the
services enforce (the transitions table and the object-level checks)."""

from __future__ import annotations

from acts.models import Act
from core.errors import DomainError
from core.roles import Role
from core.workflow import transition_check


def allowed(obj, transitions, action, user) -> bool:
    """Whether ``user`` may apply ``action`` of ``transitions`` to ``obj`` now (the services' own check)."""
    try:
        transition_check(obj=obj, transitions=transitions, action=action, actor=user)
    except DomainError:
        return False
    return True


def act_actions(act: Act, user) -> set[str]:
    """Names of what ``user`` may do with ``act`` now (paying it is the payments' question:
    ``payments.permissions.act_may_prepare_payment``)."""
    actions = set()
    role = getattr(user, "role", None)
    if role == Role.SCHOOL and user.school_id == act.school_id:
        actions |= {a for a in ("submit", "rebuild", "correct") if allowed(act, Act.TRANSITIONS, a, user)}
    if role == Role.DEPARTMENT and user.region_id == act.contract.order.region_id:
        if allowed(act, Act.TRANSITIONS, "accept", user):
            actions |= {"decide", "inspect", "accept", "partly_accept", "return"}
    return actions
