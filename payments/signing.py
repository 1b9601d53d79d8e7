"""What an operator signs at each payment step (``signatures.registry``).

* ``prepare-payment`` on an accepted act (the payment does not exist yet): binds the amount to pay
  (accepted amount less the recoveries offset), the payee (BIN, IBAN, name, purpose: the
  ``document_sha256``) and the SHA-256 of the act's lines with their decisions;
* ``approve`` on a prepared payment (the second operator): binds the same facts as prepared, and
  the statuses prepared → approved.

Each provider refuses (a ``DomainError``) when the operator may not take the step now.
"""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _

from acts.choices import PAYABLE_ACT_STATUSES
from acts.models import Act
from acts.signing import act_decisions_digest
from core.errors import ConflictError
from core.identifiers import normalize_iban
from core.money import ZERO
from core.scoping import require
from core.workflow import transition_check
from payments.choices import DEAD_PAYMENT_STATUSES, PaymentStatus
from payments.models import Payment
from payments.services.payments import offset_plan, payment_purpose
from signatures.registry import SigningFacts, register_signable

PREPARE = "prepare-payment"
APPROVE = "approve"


def payee_sha256(*, payee_bin: str, payee_iban: str, payee_name: str, purpose: str) -> str:
    """SHA-256 of who is paid and why, as the bank receives it (one line, fields joined by "|")."""
    return hashlib.sha256("|".join((payee_bin, payee_iban, payee_name, purpose)).encode("utf-8")).hexdigest()


def _act_region(act: Act) -> str:
    return act.contract.order.region_id


def prepare_facts(act: Act, actor) -> SigningFacts:
    require(actor, "prepare", Payment(act=act))
    if Payment.objects.filter(act=act).exclude(status__in=DEAD_PAYMENT_STATUSES).exists():
        raise ConflictError(_("This act already has a payment."), code="payment_exists")
    if act.status not in PAYABLE_ACT_STATUSES:
        raise ConflictError(_("Only an accepted or partly accepted act can be paid; this one is “%(status)s”.")
                            % {"status": act.get_status_display()}, code="act_not_payable")
    offset = sum((take for _recovery, take in offset_plan(act, lock=False)), ZERO)
    _accepted, lines_sha256 = act_decisions_digest(act)
    payee = payee_sha256(payee_bin=act.school.bin, payee_iban=normalize_iban(act.school.iban),
                         payee_name=act.school.name_ru[:300], purpose=payment_purpose(act)[:300])
    return SigningFacts(from_status="", to_status=PaymentStatus.PREPARED, reference=f"payment of act {act.number}",
                        document_sha256=payee, amount=act.accepted_amount - offset, lines_sha256=lines_sha256,
                        school_id=act.school_id, region_id=_act_region(act))


def approve_facts(payment: Payment, actor) -> SigningFacts:
    spec = transition_check(obj=payment, transitions=Payment.TRANSITIONS, action="approve", actor=actor)
    _accepted, lines_sha256 = act_decisions_digest(payment.act)
    payee = payee_sha256(payee_bin=payment.payee_bin, payee_iban=payment.payee_iban, payee_name=payment.payee_name,
                         purpose=payment.purpose)
    return SigningFacts(from_status=payment.status, to_status=spec.target, reference=f"payment {payment.reference}",
                        document_sha256=payee, amount=payment.amount, lines_sha256=lines_sha256,
                        school_id=payment.act.school_id, region_id=_act_region(payment.act))


def register() -> None:
    register_signable(Act, PREPARE, prepare_facts)
    register_signable(Payment, APPROVE, approve_facts)
