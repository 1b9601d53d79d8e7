"""Warranty claims: a school claims on an accepted unit within its warranty; the supplier must answer in time.

The supplier's deadline is ``PROCUREMENT_WARRANTY_RESPONSE_DAYS`` working days after the claim
(``procurement.deadlines``). A claim still unanswered after it — or answered late — is red flag PR08
and shows on the overdue lists.
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
from procurement.choices import ClaimResolution, ClaimStatus, ProcurementEvent, UnitStatus
from procurement.deadlines import response_due_on, warranty_ends_on
from procurement.models import DeliveryUnit, WarrantyClaim
from procurement.services.common import clean_text, today


def warranty_end(unit: DeliveryUnit) -> dt.date | None:
    """The last day of the unit's warranty (None: not accepted, or no warranty)."""
    if unit.status != UnitStatus.ACCEPTED or not unit.line.warranty_months:
        return None
    return warranty_ends_on(timezone.localdate(unit.decided_at), unit.line.warranty_months)


@transaction.atomic
def claim_file(*, unit: DeliveryUnit, actor, description: str) -> WarrantyClaim:
    """The school files a warranty claim on one of its accepted units, within the warranty."""
    unit = DeliveryUnit.objects.select_for_update().select_related("line", "delivery").get(pk=unit.pk)
    require(actor, "file", WarrantyClaim(unit=unit))  # the school, on its own units
    description = clean_text(description, field="description", required=True, label=_("Fault"))
    if unit.status != UnitStatus.ACCEPTED:
        raise ConflictError(_("Only an accepted unit is under warranty."), code="not_accepted")
    ends = warranty_end(unit)
    filed_on = today()
    if ends is None or filed_on > ends:
        raise ConflictError(_("The warranty of unit %(serial)s ended on %(date)s.")
                            % {"serial": unit.serial_number, "date": ends.strftime("%d.%m.%Y") if ends else "—"},
                            code="warranty_ended")
    if unit.claims.filter(status=ClaimStatus.OPEN).exists():
        raise ConflictError(_("A claim on this unit is already waiting for the supplier."), code="claim_open")
    claim = WarrantyClaim.objects.create(unit=unit, filed_on=filed_on, filed_by=actor, description=description,
                                         response_due_on=response_due_on(filed_on))
    audit_record(actor=actor, action=ProcurementEvent.CLAIM_FILED, subject=claim, to_status=claim.status, data={
        "serial_number": unit.serial_number, "filed_on": filed_on, "response_due_on": claim.response_due_on,
        "warranty_ends_on": ends})
    return claim


@transaction.atomic
def claim_answer(*, claim: WarrantyClaim, actor, response: str, answered_on: dt.date) -> WarrantyClaim:
    """Record the supplier's answer (the school or the department of the region)."""
    require(actor, "answer", claim)
    response = clean_text(response, field="response", required=True, label=_("Supplier's answer"))
    if not isinstance(answered_on, dt.date) or answered_on > today() or answered_on < claim.filed_on:
        raise DomainError(_("The answer's date lies between the claim and today."), field="answered_on")
    return transition_apply(obj=claim, transitions=WarrantyClaim.TRANSITIONS, action="answer", actor=actor,
                            data={"answered_on": answered_on, "late": answered_on > claim.response_due_on},
                            extra_fields={"answered_on": answered_on, "response": response})


@transaction.atomic
def claim_close(*, claim: WarrantyClaim, actor, resolution: str, note: str = "") -> WarrantyClaim:
    """The school closes its claim with the outcome (repaired, replaced, refused…)."""
    require(actor, "close", claim)
    if resolution not in ClaimResolution.values:
        raise DomainError(_("Choose the outcome."), field="resolution")
    note = clean_text(note, field="note")
    if resolution == ClaimResolution.OTHER and not note:
        raise DomainError(_("Explain the outcome in the note."), field="note")
    return transition_apply(obj=claim, transitions=WarrantyClaim.TRANSITIONS, action="close", actor=actor,
                            reason=note, data={"resolution": resolution},
                            extra_fields={"resolution": resolution, "resolution_note": note})
