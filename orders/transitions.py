"""The allowed transitions of orders, applications and contracts: the one table of each.

Services move these models only through ``core.workflow.transition_apply`` with these tables (who
may take each action is declared with the model's scope, ``core.scoping``); pages and the API show
an action only when ``available_actions`` lists it.
"""

from __future__ import annotations

from core.roles import Role
from core.scoping import allowed_actions
from core.workflow import Transition
from orders.choices import (
    ApplicationEvent,
    ApplicationStatus,
    ContractEvent,
    ContractStatus,
    OrderEvent,
    OrderStatus,
)

ORDER_TRANSITIONS: dict[str, Transition] = {
    # a draft is edited in place (the status stays)
    "change": Transition(sources=(OrderStatus.DRAFT,), target=None, event=OrderEvent.UPDATED),
    "publish": Transition(sources=(OrderStatus.DRAFT,), target=OrderStatus.PUBLISHED, event=OrderEvent.PUBLISHED),
    "close": Transition(sources=(OrderStatus.PUBLISHED,), target=OrderStatus.CLOSED, event=OrderEvent.CLOSED),
}

APPLICATION_TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(sources=(ApplicationStatus.SUBMITTED,), target=ApplicationStatus.APPROVED,
                          event=ApplicationEvent.APPROVED),
    "reject": Transition(sources=(ApplicationStatus.SUBMITTED,), target=ApplicationStatus.REJECTED,
                         event=ApplicationEvent.REJECTED, reason_required=True),
    "withdraw": Transition(sources=(ApplicationStatus.SUBMITTED,), target=ApplicationStatus.WITHDRAWN,
                           event=ApplicationEvent.WITHDRAWN),
}

CONTRACT_TRANSITIONS: dict[str, Transition] = {
    "sign_school": Transition(sources=(ContractStatus.DRAFT,), target=ContractStatus.SIGNED_BY_SCHOOL,
                              event=ContractEvent.SIGNED_BY_SCHOOL),
    "sign_department": Transition(sources=(ContractStatus.SIGNED_BY_SCHOOL,), target=ContractStatus.ACTIVE,
                                  event=ContractEvent.SIGNED_BY_DEPARTMENT),
    "suspend": Transition(sources=(ContractStatus.ACTIVE,), target=ContractStatus.SUSPENDED,
                          event=ContractEvent.SUSPENDED, reason_required=True),
    "resume": Transition(sources=(ContractStatus.SUSPENDED,), target=ContractStatus.ACTIVE, event=ContractEvent.RESUMED),
    "terminate": Transition(sources=(ContractStatus.ACTIVE, ContractStatus.SUSPENDED), target=ContractStatus.TERMINATED,
                            event=ContractEvent.TERMINATED, reason_required=True),
    "close": Transition(sources=(ContractStatus.ACTIVE, ContractStatus.SUSPENDED, ContractStatus.TERMINATED),
                        target=ContractStatus.CLOSED, event=ContractEvent.CLOSED),
}

# The web and API action "sign" is the signing transition of the signer's party.
SIGN_ACTION_BY_ROLE = {Role.SCHOOL: "sign_school", Role.DEPARTMENT: "sign_department"}


def available_actions(*, obj, transitions: dict[str, Transition], user) -> list[str]:
    """The status-moving actions of ``transitions`` that ``user`` may take on ``obj`` now (the one decision:
    ``core.scoping.allowed_actions``). Each is an action endpoint and a button."""
    return [name for name in allowed_actions(user, obj) if name in transitions and transitions[name].moves]
