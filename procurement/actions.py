"""What a user may do now with a procurement row: the pages and the API show only these actions.

Each is asked of the one permission decision (``core.scoping``: who may, on which rows, from which
status — the models' scopes and transition tables), the same decision the services enforce.
"""

from __future__ import annotations

from core.scoping import allowed_actions, may
from procurement.choices import ContractStatus
from procurement.models import ContractLine, Delivery, PenaltyClaim


def available(*, obj, user) -> set[str]:
    """The actions of ``obj`` that ``user`` may take now (``core.scoping.allowed_actions``)."""
    return set(allowed_actions(user, obj))


def contract_actions(contract, user) -> set[str]:
    """The contract page's actions: edit and add lines (``change``), close, terminate, record a delivery, claim a penalty."""
    allowed = available(obj=contract, user=user)
    actions = allowed & {"close", "terminate"}
    if "change" in allowed:
        actions |= {"edit", "add_line"}
    if contract.status == ContractStatus.ACTIVE and may(
            user, "add", Delivery(contract=contract, school_id=getattr(user, "school_id", None))):
        actions.add("record_delivery")
    if may(user, "add", PenaltyClaim(line=ContractLine(contract=contract))):
        actions.add("claim_penalty")
    return actions


def unit_actions(unit, user) -> set[str]:
    return available(obj=unit, user=user)


def may_record_delivery(user) -> bool:
    return may(user, "add", Delivery)
