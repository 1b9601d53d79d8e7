"""What a user may do now with a procurement row: the pages and the API show only these actions.

Roles and statuses come from the models' declared transitions; the services check everything again.
"""

from __future__ import annotations

from core.roles import Role
from procurement.choices import ContractStatus


def available(*, obj, transitions: dict, user) -> set[str]:
    """Transitions of ``obj`` that ``user``'s role may take from its current status (event values)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {str(name.value if hasattr(name, "value") else name) for name, spec in transitions.items()
            if user.role in spec.roles and obj.status in spec.sources}


def is_department_of(user, region_id) -> bool:
    return getattr(user, "role", None) == Role.DEPARTMENT and user.region_id == region_id


def contract_actions(contract, user) -> set[str]:
    actions: set[str] = set()
    active = contract.status == ContractStatus.ACTIVE
    if is_department_of(user, contract.region_id):
        if active:
            actions |= {"edit", "add_line", "close", "terminate", "record_delivery", "claim_penalty"}
        else:
            actions.add("claim_penalty")
    elif getattr(user, "role", None) == Role.SCHOOL and active:
        actions.add("record_delivery")
    return actions


def unit_actions(unit, user) -> set[str]:
    if getattr(user, "role", None) != Role.SCHOOL or user.school_id != unit.delivery.school_id:
        return set()
    return available(obj=unit, transitions=type(unit).TRANSITIONS, user=user)


def may_record_delivery(user) -> bool:
    return getattr(user, "role", None) in (Role.DEPARTMENT, Role.SCHOOL)
