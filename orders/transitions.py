"""The allowed transitions of orders, applications and contracts: the one table of each.

Services move these models only through ``core.workflow.transition_apply`` with these tables;
pages and the API show an action only when ``available_actions`` lists it.
"""

from __future__ import annotations

from core.roles import Role
from core.workflow import Transition
from orders.choices import ApplicationStatus, ContractStatus, OrderStatus

DEPARTMENT = frozenset({Role.DEPARTMENT})
SCHOOL = frozenset({Role.SCHOOL})

ORDER_TRANSITIONS: dict[str, Transition] = {
    "publish": Transition(sources=(OrderStatus.DRAFT,), target=OrderStatus.PUBLISHED, roles=DEPARTMENT),
    "close": Transition(sources=(OrderStatus.PUBLISHED,), target=OrderStatus.CLOSED, roles=DEPARTMENT),
}

APPLICATION_TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(sources=(ApplicationStatus.SUBMITTED,), target=ApplicationStatus.APPROVED, roles=DEPARTMENT),
    "reject": Transition(sources=(ApplicationStatus.SUBMITTED,), target=ApplicationStatus.REJECTED, roles=DEPARTMENT,
                         reason_required=True),
    "withdraw": Transition(sources=(ApplicationStatus.SUBMITTED,), target=ApplicationStatus.WITHDRAWN, roles=SCHOOL),
}

CONTRACT_TRANSITIONS: dict[str, Transition] = {
    "sign_school": Transition(sources=(ContractStatus.DRAFT,), target=ContractStatus.SIGNED_BY_SCHOOL, roles=SCHOOL),
    "sign_department": Transition(sources=(ContractStatus.SIGNED_BY_SCHOOL,), target=ContractStatus.ACTIVE, roles=DEPARTMENT),
    "suspend": Transition(sources=(ContractStatus.ACTIVE,), target=ContractStatus.SUSPENDED, roles=DEPARTMENT,
                          reason_required=True),
    "resume": Transition(sources=(ContractStatus.SUSPENDED,), target=ContractStatus.ACTIVE, roles=DEPARTMENT),
    "terminate": Transition(sources=(ContractStatus.ACTIVE, ContractStatus.SUSPENDED), target=ContractStatus.TERMINATED,
                            roles=DEPARTMENT, reason_required=True),
    "close": Transition(sources=(ContractStatus.ACTIVE, ContractStatus.SUSPENDED, ContractStatus.TERMINATED),
                        target=ContractStatus.CLOSED, roles=DEPARTMENT),
}

# The web and API action "sign" is the signing transition of the signer's party.
SIGN_ACTION_BY_ROLE = {Role.SCHOOL: "sign_school", Role.DEPARTMENT: "sign_department"}


def available_actions(*, obj, transitions: dict[str, Transition], user) -> list[str]:
    """Actions ``user`` may take on ``obj`` now (role and status; the caller has scoped ``obj``)."""
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False):
        return []
    return [name for name, spec in transitions.items() if role in spec.roles and obj.status in spec.sources]
