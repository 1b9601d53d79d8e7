"""What the school and the department sign when they sign a contract (``signatures.registry``).

The action "sign" is the signing transition of the signer's party (``SIGN_ACTION_BY_ROLE``): the
school's moves a draft to "signed by the school", the department's moves that to "active". The
payload binds the SHA-256 of the contract's stored document (the bytes the parties read), the total
amount and both statuses.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import ConflictError, PermissionDeniedError
from core.scoping import effective_role
from core.workflow import transition_check
from orders.models import Contract
from orders.transitions import CONTRACT_TRANSITIONS, SIGN_ACTION_BY_ROLE
from signatures.registry import SigningFacts, register_signable

SIGN = "sign"


def contract_signing_facts(contract: Contract, actor) -> SigningFacts:
    transition = SIGN_ACTION_BY_ROLE.get(effective_role(actor))
    if transition is None:
        raise PermissionDeniedError(_("Only the school and the education department sign contracts."), code="role")
    spec = transition_check(obj=contract, transitions=CONTRACT_TRANSITIONS, action=transition, actor=actor)
    document = contract.document
    if document is None:
        raise ConflictError(_("This contract has no document."), code="no_document")
    return SigningFacts(
        from_status=contract.status, to_status=spec.target, reference=f"contract {contract.number}",
        document_sha256=document.sha256, amount=contract.total_amount, school_id=contract.school_id,
        region_id=contract.order.region_id,
    )


def register() -> None:
    register_signable(Contract, SIGN, contract_signing_facts)
