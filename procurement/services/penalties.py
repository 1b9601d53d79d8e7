"""Late-delivery penalties claimed from the supplier (the rule itself: ``procurement.penalties``).

A line's penalty is claimed once its amount is final — every unit accepted, the cap reached, or
the contract ended — so that the claim is exactly the rule's amount, computed here, never typed.
A late line whose final penalty is not claimed (or whose claim was cancelled) is red flag PR07.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError, DomainError
from core.scoping import require
from core.services import audit_record
from core.workflow import transition_apply
from procurement.choices import LIVE_PENALTY_STATUSES, ProcurementEvent
from procurement.models import ContractLine, PenaltyClaim
from procurement.services.common import clean_text, today


@transaction.atomic
def penalty_claim(*, line: ContractLine, actor) -> PenaltyClaim:
    """Claim the line's final penalty from the supplier (the department of the region)."""
    from procurement.selectors import line_lateness

    line = ContractLine.objects.select_for_update().select_related("contract", "school").get(pk=line.pk)
    require(actor, "add", PenaltyClaim(line=line))
    if PenaltyClaim.objects.filter(line=line, status__in=LIVE_PENALTY_STATUSES).exists():
        raise ConflictError(_("The penalty of this line is already claimed."), code="already_claimed")
    lateness = line_lateness(line)
    if not lateness.is_late or lateness.amount <= 0:
        raise DomainError(_("Nothing was late on this line: there is no penalty."), code="not_late")
    if not lateness.is_final:
        raise ConflictError(_("Units are still outstanding and the penalty keeps growing; claim it once they are accepted, "
                              "the cap is reached or the contract ends."), code="not_final")
    claim = PenaltyClaim.objects.create(line=line, as_of=lateness.as_of, late_units=lateness.late_units,
                                        unit_days=lateness.unit_days, amount=lateness.amount, claimed_by=actor)
    audit_record(actor=actor, action=ProcurementEvent.PENALTY_CLAIMED, subject=claim, to_status=claim.status, data={
        "contract": line.contract.number, "item_code": line.item_code, "school": line.school.bin,
        "unit_price": line.unit_price, "delivery_due": line.delivery_due, "as_of": lateness.as_of,
        "late_units": lateness.late_units, "unit_days": lateness.unit_days, "amount": lateness.amount,
    })
    return claim


@transaction.atomic
def penalty_mark_paid(*, claim: PenaltyClaim, actor, paid_on: dt.date) -> PenaltyClaim:
    require(actor, "mark_paid", claim)
    if not isinstance(paid_on, dt.date) or paid_on > today() or paid_on < timezone.localdate(claim.claimed_at):
        raise DomainError(_("Give the day the supplier paid (not in the future, not before the claim)."), field="paid_on")
    return transition_apply(obj=claim, transitions=PenaltyClaim.TRANSITIONS, action="mark_paid", actor=actor,
                            data={"paid_on": paid_on, "amount": claim.amount}, extra_fields={"paid_on": paid_on})


@transaction.atomic
def penalty_cancel(*, claim: PenaltyClaim, actor, reason: str) -> PenaltyClaim:
    require(actor, "cancel", claim)
    reason = clean_text(reason, field="reason")
    return transition_apply(obj=claim, transitions=PenaltyClaim.TRANSITIONS, action="cancel",
                            actor=actor, reason=reason, data={"amount": claim.amount}, extra_fields={"reason": reason})
