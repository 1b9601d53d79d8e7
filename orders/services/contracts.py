"""Contracts: drawn up from an approved application, signed by the school, then the department.

In ``SIGNATURE_MODE=cms`` each party signs with its qualified electronic signature (``orders.signing``);
in ``confirm`` mode a signature is the signer's authenticated confirmation of the exact document shown:
the contract's document is rendered once, kept byte for byte (``ContractDocument``), and each
signature records who signed, as which party, when, and the sha256 of those bytes. The signer
sends the hash of what it was shown; a mismatch is refused.
"""

from __future__ import annotations

import hashlib

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import month_count
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.scoping import effective_role, ensure_in_scope
from core.services import audit_record
from core.workflow import lock, transition_apply, transition_check
from orders.amounts import levels_total
from orders.choices import ApplicationStatus, ContractEvent, ContractParty
from orders.models import Application, Contract, ContractDocument, ContractLevel, ContractSignature
from orders.signing import SIGN
from orders.transitions import CONTRACT_TRANSITIONS, SIGN_ACTION_BY_ROLE
from programmes.periods import periods_between
from signatures.services import signature_required, signed


def next_contract_number(*, region_id: str, school_year: int) -> str:
    """The next number of the region and school year, e.g. ``71-2025-0001`` (one atomic upsert)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO orders_contractcounter (region_id, school_year, last_value) VALUES (%s, %s, 1)
            ON CONFLICT (region_id, school_year)
            DO UPDATE SET last_value = orders_contractcounter.last_value + 1
            RETURNING last_value
            """,
            [region_id, school_year],
        )
        value = cursor.fetchone()[0]
    return f"{region_id}-{school_year}-{value:04d}"


def _store_document(contract: Contract) -> ContractDocument:
    from orders.documents import render_contract_document

    content = render_contract_document(contract)
    return ContractDocument.objects.create(
        contract=contract, version=1, content=content, sha256=hashlib.sha256(content).hexdigest(),
    )


@transaction.atomic
def contract_create(*, application: Application, actor) -> Contract:
    """Draw up the contract of an approved application (called by ``application_approve``)."""
    if application.status != ApplicationStatus.APPROVED:
        raise ConflictError(_("A contract is drawn up only from an approved application."), code="not_approved")
    order = application.order
    months = month_count(order.service_start, order.service_end)
    periods = len(periods_between(order.programme, order.service_start, order.service_end))
    norms = {row.level: row.monthly_norm for row in order.levels.all()}
    rows = [(row.level, row.approved_places, norms[row.level]) for row in application.levels.all() if row.approved_places]
    contract = Contract.objects.create(
        number=next_contract_number(region_id=order.region_id, school_year=order.school_year),
        order=order, school=application.school, application=application,
        period_start=order.service_start, period_end=order.service_end, months=months,
        total_amount=levels_total(((places, norm) for _level, places, norm in rows), periods),
    )
    ContractLevel.objects.bulk_create([
        ContractLevel(contract=contract, level=level, places=places, monthly_norm=norm) for level, places, norm in rows
    ])
    contract.refresh_from_db()
    document = _store_document(contract)
    audit_record(actor=actor, action=ContractEvent.CREATED, subject=contract, to_status=contract.status,
                 data={"number": contract.number, "application": application.pk, "total_amount": contract.total_amount,
                       "months": months, "periods": periods, "document_sha256": document.sha256})
    return contract


@transaction.atomic
def contract_sign(*, contract: Contract, document_sha256: str = "", actor, cms: str = "") -> Contract:
    """The school (first) or the department (second) signs the exact document it was shown.

    ``confirm`` mode: the signer confirms the SHA-256 of the document it read (``document_sha256``).
    ``cms`` mode: ``cms`` is the signer's qualified signature of the payload for "sign"
    (``orders.signing``), which binds the document's SHA-256; a ``document_sha256`` sent as well must match.
    """
    ensure_in_scope(contract, actor)
    action = SIGN_ACTION_BY_ROLE.get(effective_role(actor))
    if action is None:
        raise PermissionDeniedError(_("Only the school and the education department sign contracts."), code="role")
    locked = lock(contract)
    transition_check(obj=locked, transitions=CONTRACT_TRANSITIONS, action=action, actor=actor)
    document = locked.document
    confirmed = (document_sha256 or "").strip().lower()
    if document is None or ((confirmed or not cms) and confirmed != document.sha256):
        raise ConflictError(
            _("The document you confirmed is not the contract's document (its SHA-256 differs); open the contract again and re-read it."),
            code="document_mismatch", field="document_sha256",
        )
    signature = signature_required(obj=locked, action=SIGN, actor=actor, cms=cms)
    party = ContractParty.SCHOOL if action == "sign_school" else ContractParty.DEPARTMENT
    signed_at = timezone.now()
    signer_name = signature.cert_common_name if signature else (actor.get_full_name() or actor.username)
    ContractSignature.objects.create(
        contract=locked, document=document, party=party, signer=actor,
        signer_name=signer_name[:300], signed_at=signed_at, sha256=document.sha256,
    )
    return transition_apply(obj=locked, transitions=CONTRACT_TRANSITIONS, action=action, actor=actor,
                            data={"party": party, "document_sha256": document.sha256, "document_version": document.version,
                                  **signed(signature)})


def _contract_move(*, contract: Contract, action: str, actor, reason: str) -> Contract:
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise DomainError(_("The reason is longer than 2000 characters."), field="reason")
    return transition_apply(obj=contract, transitions=CONTRACT_TRANSITIONS, action=action, actor=actor,
                            reason=reason, extra_fields={"status_reason": reason})


@transaction.atomic
def contract_suspend(*, contract: Contract, actor, reason: str) -> Contract:
    """Active → suspended (reason required): no acts are accepted until resumed."""
    return _contract_move(contract=contract, action="suspend", actor=actor, reason=reason)


@transaction.atomic
def contract_resume(*, contract: Contract, actor, reason: str = "") -> Contract:
    """Suspended → active."""
    return _contract_move(contract=contract, action="resume", actor=actor, reason=reason)


@transaction.atomic
def contract_terminate(*, contract: Contract, actor, reason: str) -> Contract:
    """Active or suspended → terminated (reason required)."""
    return _contract_move(contract=contract, action="terminate", actor=actor, reason=reason)


@transaction.atomic
def contract_close(*, contract: Contract, actor, reason: str = "") -> Contract:
    """Active, suspended or terminated → closed (the contract's obligations are settled)."""
    return _contract_move(contract=contract, action="close", actor=actor, reason=reason)
