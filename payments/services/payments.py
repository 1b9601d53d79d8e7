"""Payments with four eyes: one operator prepares, another approves; never twice for an act.

Guarantees, each held by the database as well as by the code:
* one live payment per act — partial unique index ``payment_one_live_per_act`` (failed and
  cancelled payments stay in the history; a failed one is re-issued as a new payment);
* the approver is never the preparer — check constraint ``payment_four_eyes``;
* amount = accepted amount − recoveries offset ≥ 0 — check constraints;
* concurrent requests on one act or payment are serialised by row locks (``SELECT … FOR UPDATE``).

A payment waits while a monitoring case on its act found a violation and the elimination report
is pending (``oversight.selectors.payment_holds``): it is not prepared, approved or exported.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from acts.choices import PAYABLE_ACT_STATUSES
from acts.models import Act
from core.errors import ConflictError, DomainError
from core.identifiers import normalize_iban, validate_kz_iban
from core.money import ZERO
from core.scoping import require
from core.services import audit_record
from core.workflow import transition_apply, transition_check
from oversight.selectors import payment_holds
from payments.choices import DEAD_PAYMENT_STATUSES, PaymentEvent, PaymentStatus, RecoveryStatus, RegistryEvent
from payments.models import Payment, PaymentRegistry, Recovery, RecoveryOffset
from payments.services.recoveries import recovery_remaining, recovery_statuses_refresh
from signatures.services import signature_required, signed


def payment_purpose(act: Act) -> str:
    """The purpose of payment sent to the bank, in the portal's default language (Kazakh)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("State educational order: services of %(month)s under contract %(contract)s, act %(act)s") % {
            "month": f"{act.month:%m.%Y}", "contract": act.contract.number, "act": act.number,
        }


def _held_error(act: Act, case) -> ConflictError:
    return ConflictError(
        _("The payment of act %(act)s waits: monitoring case %(case)s found a violation, and its elimination report "
          "is not accepted yet.") % {"act": act.number, "case": case.number},
        code="payment_held", details={"act": act.pk, "case": case.pk},
    )


def _refuse_if_held(act: Act) -> None:
    case = payment_holds([act.pk]).get(act.pk)
    if case is not None:
        raise _held_error(act, case)


def offset_plan(act: Act, *, lock: bool = True) -> list[tuple[Recovery, object]]:
    """Open recoveries of the contract, oldest first, taken off the accepted amount until it is used up
    (locked, unless ``lock=False``: the plan shown or signed before the payment is prepared)."""
    open_recoveries = Recovery.objects.filter(contract_id=act.contract_id, status=RecoveryStatus.OPEN)
    if lock:
        open_recoveries = open_recoveries.select_for_update()
    recoveries = list(open_recoveries.order_by("created_at", "id"))
    return _plan(recoveries, recovery_remaining(recoveries), act.accepted_amount)


def offset_plans(acts) -> dict[int, list[tuple[Recovery, object]]]:
    """The plan ``offset_plan`` shows for each of ``acts`` (unlocked: the payments list's dialogs), in two
    queries whatever their number; each act's plan as if it were prepared first."""
    acts = list(acts)
    recoveries = list(Recovery.objects.filter(contract_id__in={act.contract_id for act in acts}, status=RecoveryStatus.OPEN)
                      .order_by("created_at", "id"))
    remaining = recovery_remaining(recoveries) if recoveries else {}
    return {act.pk: _plan([r for r in recoveries if r.contract_id == act.contract_id], remaining, act.accepted_amount)
            for act in acts}


def _plan(recoveries: list[Recovery], remaining: dict[int, object], available) -> list[tuple[Recovery, object]]:
    """The open ``recoveries`` (oldest first) taken off ``available`` until it is used up."""
    plan = []
    for recovery in recoveries:
        take = min(remaining[recovery.pk], available)
        if take > 0:
            plan.append((recovery, take))
            available -= take
    return plan


@transaction.atomic
def payment_prepare(*, act: Act, actor, reissue_of: Payment | None = None, cms: str = "") -> Payment:
    """Prepare the payment of an accepted act: accepted amount minus the contract's open recoveries.

    In ``SIGNATURE_MODE=cms`` the operator signs the preparation (``payments.signing``, action
    "prepare-payment" on the act): the payload binds the amount, the payee and the act's lines.
    """
    require(actor, "prepare", Payment(act=act))
    locked = Act.objects.select_for_update(of=("self",)).select_related("contract", "school").get(pk=act.pk)
    # A live payment first: a paid act is "already paid", not merely "not payable".
    if Payment.objects.filter(act=locked).exclude(status__in=DEAD_PAYMENT_STATUSES).exists():
        raise ConflictError(_("This act already has a payment."), code="payment_exists")
    if locked.status not in PAYABLE_ACT_STATUSES:
        raise ConflictError(_("Only an accepted or partly accepted act can be paid; this one is “%(status)s”.")
                            % {"status": locked.get_status_display()}, code="act_not_payable")
    _refuse_if_held(locked)
    iban = normalize_iban(locked.school.iban)
    try:
        validate_kz_iban(iban)
    except ValidationError:
        raise DomainError(_("The school has no valid bank account (IBAN); it must add one to its profile first."),
                          code="no_iban") from None
    plan = offset_plan(locked)
    offset = sum((take for _recovery, take in plan), ZERO)
    signature = signature_required(obj=locked, action="prepare-payment", actor=actor, cms=cms)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                act=locked, status=PaymentStatus.PREPARED, accepted_amount=locked.accepted_amount,
                offset_amount=offset, amount=locked.accepted_amount - offset,
                payee_bin=locked.school.bin, payee_name=locked.school.name_ru[:300], payee_iban=iban,
                purpose=payment_purpose(locked)[:300], prepared_by=actor, reissue_of=reissue_of,
            )
    except IntegrityError:
        raise ConflictError(_("This act already has a payment."), code="payment_exists") from None
    RecoveryOffset.objects.bulk_create([RecoveryOffset(recovery=r, payment=payment, amount=take) for r, take in plan])
    recovery_statuses_refresh([r.pk for r, _take in plan], actor=actor)
    audit_record(
        actor=actor, action=PaymentEvent.PREPARED, subject=payment, to_status=payment.status,
        data={"act": locked.pk, "accepted_amount": payment.accepted_amount, "offset_amount": offset,
              "amount": payment.amount, "offsets": [{"recovery": r.pk, "amount": take} for r, take in plan],
              "reissue_of": getattr(reissue_of, "pk", None), **signed(signature)},
    )
    return payment


def _act_paid(payment: Payment, actor) -> None:
    transition_apply(obj=payment.act, transitions=Act.TRANSITIONS, action="mark_paid", actor=actor,
                     data={"payment": payment.reference, "amount": payment.amount})


@transaction.atomic
def payment_approve(*, payment: Payment, actor, cms: str = "") -> Payment:
    """A second operator approves the prepared payment (never the one who prepared it: ``FOUR_EYES``).

    In ``SIGNATURE_MODE=cms`` the approver signs (``payments.signing``, action "approve").
    """
    locked = Payment.objects.select_for_update(of=("self",)).select_related("act__contract").get(pk=payment.pk)
    require(actor, "approve", locked)  # who may (four eyes) first; then whether a monitoring case holds the act
    _refuse_if_held(locked.act)
    transition_check(obj=locked, transitions=Payment.TRANSITIONS, action="approve", actor=actor)
    signature = signature_required(obj=locked, action="approve", actor=actor, cms=cms)
    approved = transition_apply(obj=locked, transitions=Payment.TRANSITIONS, action="approve", actor=actor,
                                data={"amount": locked.amount, **signed(signature)},
                                extra_fields={"approved_by": actor, "approved_at": timezone.now()})
    if approved.amount == ZERO:
        # Everything was offset: there is nothing to transfer, the act is settled.
        approved = transition_apply(obj=approved, transitions=Payment.TRANSITIONS, action="settle", actor=actor,
                                    data={"reason": "fully offset"}, extra_fields={"paid_on": timezone.localdate()})
        _act_paid(approved, actor)
    return approved


@transaction.atomic
def payment_cancel(*, payment: Payment, actor, reason: str) -> Payment:
    """Cancel a prepared payment (before approval), with the reason; its offsets are released."""
    cancelled = transition_apply(obj=payment, transitions=Payment.TRANSITIONS, action="cancel", actor=actor,
                                 reason=(reason or "").strip(), extra_fields={"status_reason": (reason or "").strip()})
    recovery_statuses_refresh(cancelled.offsets.values_list("recovery_id", flat=True), actor=actor)
    return cancelled


@transaction.atomic
def payment_reissue(*, payment: Payment, actor, cms: str = "") -> Payment:
    """Prepare a new payment for the act of a failed one (the failed payment stays in the history).

    In ``SIGNATURE_MODE=cms`` ``cms`` signs "prepare-payment" of the act, as for a first payment."""
    failed = Payment.objects.select_for_update().get(pk=payment.pk)
    require(actor, "reissue", failed)
    if failed.status != PaymentStatus.FAILED:
        raise ConflictError(_("Only a failed payment can be re-issued."), code="not_failed")
    if Payment.objects.filter(reissue_of=failed).exists():
        raise ConflictError(_("This payment was already re-issued."), code="already_reissued")
    new = payment_prepare(act=failed.act, actor=actor, reissue_of=failed, cms=cms)
    audit_record(actor=actor, action=PaymentEvent.REISSUED, subject=failed, data={"new_payment": new.reference})
    return new


@transaction.atomic
def registry_create(*, actor, payment_ids: list[int] | None = None) -> PaymentRegistry:
    """Put the approved payments (all, or those named) in a new registry for the bank; they become "sent".

    A payment whose act is held by a monitoring case stays out (named, it is refused)."""
    require(actor, "add", PaymentRegistry)
    queryset = Payment.objects.select_for_update(of=("self",)).select_related("act__contract").filter(
        status=PaymentStatus.APPROVED, registry__isnull=True)
    if payment_ids is not None:
        queryset = queryset.filter(pk__in=payment_ids)
    payments = list(queryset.order_by("id"))
    if payment_ids is not None and len(payments) != len(set(payment_ids)):
        raise ConflictError(_("Some of the payments named are not approved payments waiting for a registry."),
                            code="not_approved")
    holds = payment_holds(p.act_id for p in payments)
    if holds and payment_ids is not None:
        held = next(p for p in payments if p.act_id in holds)
        raise _held_error(held.act, holds[held.act_id])
    payments = [p for p in payments if p.act_id not in holds]
    if not payments:
        raise DomainError(_("There is no approved payment to put in a registry."), code="nothing_to_export")
    registry = PaymentRegistry.objects.create(
        created_by=actor, payment_count=len(payments), total_amount=sum((p.amount for p in payments), ZERO),
    )
    for payment in payments:
        transition_apply(obj=payment, transitions=Payment.TRANSITIONS, action="export", actor=actor,
                         data={"registry": registry.number}, extra_fields={"registry": registry})
    audit_record(actor=actor, action=RegistryEvent.CREATED, subject=registry,
                 data={"payments": [p.reference for p in payments], "total": registry.total_amount})
    return registry
