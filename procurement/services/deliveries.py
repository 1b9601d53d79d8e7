"""Deliveries, and the inspection and acceptance of every unit by the school's responsible person.

* A delivery to a school lists every unit by serial number. It is recorded by the school that
  received it or by the department of the region. The supplier is checked against the register
  of unreliable suppliers on the delivery day; the result is kept on the delivery (and a supplier
  on the register raises the red flag PR06: the contract may go on, the monitors look at it).
* A line never has more live units (delivered, inspected, accepted) than its quantity. A rejected
  unit frees its place: the next unit delivered on the line replaces it (``replaces``).
* The school's responsible person inspects each unit against the checklist, then accepts it —
  only when every item of the checklist passed — or rejects it with a reason. The database refuses
  an accepted unit that was not inspected or failed the checklist (``proc_unit_accepted_only_after_
  passing_inspection``). Whoever accepts is named on the unit and on the acceptance act.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ConflictError, DomainError
from core.scoping import ensure_in_scope, require
from core.services import audit_record
from core.workflow import lock, transition_apply, transition_check
from procurement.choices import LIVE_UNIT_STATUSES, ContractStatus, ProcurementEvent, RejectReason, UnitStatus
from procurement.models import ContractLine, Delivery, DeliveryUnit, ProcurementContract
from procurement.registers import entry_evidence, supplier_entries_on
from procurement.services.common import clean_text, now, person_name, today
from procurement.services.contracts import parse_price

SERIAL = re.compile(r"^[A-Z0-9][A-Z0-9./_-]*$")
MAX_UNITS = 5000


@dataclass(frozen=True)
class UnitInput:
    line: ContractLine
    serial_number: str
    invoice_unit_price: Decimal | None = None  # None: the contract's unit price


def normalise_serial(value: str) -> str:
    """A serial number as stored and compared: upper case, no spaces."""
    return "".join((value or "").split()).upper()


def clean_serial(value: str) -> str:
    serial = normalise_serial(value)
    if not serial:
        raise DomainError(_("A serial number is required for every unit."), field="units", code="no_serial")
    if len(serial) > 100 or not SERIAL.match(serial):
        raise DomainError(_("Serial number “%(value)s”: use Latin letters, digits and . / _ - only.") % {"value": value[:120]},
                          field="units", code="bad_serial")
    return serial


def _check_delivery_date(delivered_on, contract: ProcurementContract) -> None:
    if not isinstance(delivered_on, dt.date):
        raise DomainError(_("Give the delivery date."), field="delivered_on")
    if delivered_on > today():
        raise DomainError(_("A delivery cannot be dated in the future."), field="delivered_on", code="future")
    if delivered_on < contract.signed_on:
        raise DomainError(_("The delivery is dated before the contract was signed (%(date)s).")
                          % {"date": contract.signed_on.strftime("%d.%m.%Y")}, field="delivered_on")


@transaction.atomic
def delivery_record(*, contract: ProcurementContract, school, delivered_on: dt.date, units: list[UnitInput], actor,
                    waybill_number: str = "", note: str = "") -> Delivery:
    """Record a delivery with the serial number of every unit (the supplier is checked against the register that day)."""
    ensure_in_scope(contract, actor)
    contract = lock(contract)
    require(actor, "add", Delivery(contract=contract, school=school))
    if contract.status != ContractStatus.ACTIVE:
        raise ConflictError(_("The contract is “%(status)s”; no more deliveries are recorded on it.")
                            % {"status": contract.get_status_display()}, code="contract_not_active")
    _check_delivery_date(delivered_on, contract)
    waybill_number = clean_text(waybill_number, field="waybill_number", limit=60)
    note = clean_text(note, field="note")
    if not units:
        raise DomainError(_("List the serial number of every unit delivered."), field="units", code="no_units")
    if len(units) > MAX_UNITS:
        raise DomainError(_("At most %(max)s units per delivery.") % {"max": MAX_UNITS}, field="units")

    lines = {line.pk: line for line in ContractLine.objects.select_for_update().filter(contract=contract, school=school)}
    cleaned: list[tuple[ContractLine, str, Decimal]] = []
    seen: set[str] = set()
    for unit in units:
        line = lines.get(getattr(unit.line, "pk", None))
        if line is None:
            raise DomainError(_("A unit's line is not a line of this contract for this school."), field="units", code="bad_line")
        serial = clean_serial(unit.serial_number)
        if serial in seen:
            raise DomainError(_("Serial number %(serial)s is listed twice.") % {"serial": serial}, field="units", code="serial_twice")
        seen.add(serial)
        price = line.unit_price if unit.invoice_unit_price in (None, "") else parse_price(unit.invoice_unit_price)
        cleaned.append((line, serial, price))

    by_line: dict[int, int] = {}
    for line, _serial, _price in cleaned:
        by_line[line.pk] = by_line.get(line.pk, 0) + 1
    for line_pk, count in by_line.items():
        line = lines[line_pk]
        live = line.units.filter(status__in=LIVE_UNIT_STATUSES).count()
        if live + count > line.quantity:
            raise ConflictError(
                _("Item %(code)s: %(count)s unit(s) delivered now, but only %(left)s of %(quantity)s still expected.")
                % {"code": line.item_code, "count": count, "left": line.quantity - live, "quantity": line.quantity},
                field="units", code="too_many_units")
    live_serials = set(
        DeliveryUnit.objects.filter(line__in=list(lines.values()), status__in=LIVE_UNIT_STATUSES, serial_number__in=seen)
        .values_list("serial_number", flat=True)
    )
    if live_serials:
        raise ConflictError(_("Serial number(s) %(serials)s are already delivered on this contract for this school.")
                            % {"serials": ", ".join(sorted(live_serials))}, field="units", code="serial_live")

    entries = list(supplier_entries_on(contract.supplier_bin, delivered_on))
    delivery = Delivery.objects.create(
        contract=contract, school=school, delivered_on=delivered_on, waybill_number=waybill_number, note=note,
        supplier_listed=bool(entries), supplier_check=[entry_evidence(entry) for entry in entries], recorded_by=actor,
    )
    # Rejected units waiting for a re-delivery, oldest first, per line.
    waiting: dict[int, list[DeliveryUnit]] = {}
    for rejected in (DeliveryUnit.objects.filter(line__in=list(by_line), status=UnitStatus.REJECTED, replaced_by__isnull=True)
                     .order_by("decided_at", "id")):
        waiting.setdefault(rejected.line_id, []).append(rejected)
    created = []
    for line, serial, price in cleaned:
        queue = waiting.get(line.pk) or []
        created.append(DeliveryUnit(delivery=delivery, line=line, serial_number=serial, invoice_unit_price=price,
                                    replaces=queue.pop(0) if queue else None))
    DeliveryUnit.objects.bulk_create(created)
    audit_record(actor=actor, action=ProcurementEvent.DELIVERY_RECORDED, subject=delivery, data={
        "contract": contract.number, "school": school.bin, "delivered_on": delivered_on, "waybill_number": waybill_number,
        "units": [{"item_code": unit.line.item_code, "serial_number": unit.serial_number, "replaces": unit.replaces_id,
                   "invoice_unit_price": unit.invoice_unit_price} for unit in created],
        "supplier_listed": bool(entries), "register_entries": delivery.supplier_check,
    })
    return delivery


@transaction.atomic
def delivery_correct(*, delivery: Delivery, actor, reason: str, delivered_on: dt.date | None = None,
                     waybill_number: str | None = None) -> Delivery:
    """Correct a delivery's date or waybill number (reason required; old → new logged). The register is checked again."""
    delivery = lock(delivery)
    contract = delivery.contract
    require(actor, "correct", delivery)
    reason = clean_text(reason, field="reason", required=True, label=_("Reason"))
    changes = {}
    if delivered_on is not None and delivered_on != delivery.delivered_on:
        _check_delivery_date(delivered_on, contract)
        changes["delivered_on"] = {"old": delivery.delivered_on, "new": delivered_on}
        delivery.delivered_on = delivered_on
        entries = list(supplier_entries_on(contract.supplier_bin, delivered_on))
        delivery.supplier_listed = bool(entries)
        delivery.supplier_check = [entry_evidence(entry) for entry in entries]
    if waybill_number is not None:
        waybill_number = clean_text(waybill_number, field="waybill_number", limit=60)
        if waybill_number != delivery.waybill_number:
            changes["waybill_number"] = {"old": delivery.waybill_number, "new": waybill_number}
            delivery.waybill_number = waybill_number
    if not changes:
        raise DomainError(_("Nothing to change."), code="no_change")
    delivery.save()
    audit_record(actor=actor, action=ProcurementEvent.DELIVERY_CORRECTED, subject=delivery, reason=reason,
                 data={"changes": changes, "supplier_listed": delivery.supplier_listed})
    return delivery


# --- inspection and acceptance ------------------------------------------------------------------

@transaction.atomic
def unit_inspect(*, unit: DeliveryUnit, actor, model_ok: bool, works: bool, software_ok: bool, warranty_card: bool,
                 note: str = "") -> DeliveryUnit:
    """Record the inspection of one unit against the checklist (again, until it is accepted or rejected)."""
    require(actor, "inspect", unit)  # the school that received it
    checklist = {"model_ok": model_ok, "works": works, "software_ok": software_ok, "warranty_card": warranty_card}
    if any(not isinstance(value, bool) for value in checklist.values()):
        raise DomainError(_("Answer every item of the checklist."), code="checklist_incomplete")
    note = clean_text(note, field="note")
    return transition_apply(
        obj=unit, transitions=DeliveryUnit.TRANSITIONS, action="inspect", actor=actor,
        data={"serial_number": unit.serial_number, **checklist, "note": note},
        extra_fields={**checklist, "inspection_note": note, "inspected_by": actor, "inspected_at": now()},
    )


@transaction.atomic
def unit_accept(*, unit: DeliveryUnit, actor) -> DeliveryUnit:
    """Accept an inspected unit that passed every item of the checklist; the actor answers for it."""
    locked = lock(unit)
    transition_check(obj=locked, transitions=DeliveryUnit.TRANSITIONS, action="accept", actor=actor)
    failed = [str(label) for _name, label, value in locked.checklist if value is not True]
    if failed:
        raise ConflictError(_("The unit failed the inspection (%(items)s); reject it instead.") % {"items": ", ".join(failed)},
                            code="inspection_failed")
    return transition_apply(
        obj=locked, transitions=DeliveryUnit.TRANSITIONS, action="accept", actor=actor,
        data={"serial_number": locked.serial_number, "responsible_person": person_name(actor)},
        extra_fields={"decided_by": actor, "decided_by_name": person_name(actor), "decided_at": now()},
    )


@transaction.atomic
def unit_reject(*, unit: DeliveryUnit, actor, reason: str, note: str = "") -> DeliveryUnit:
    """Reject an inspected unit with a reason; its place waits for a re-delivery."""
    require(actor, "reject", unit)
    if reason not in RejectReason.values:
        raise DomainError(_("Choose the reason for rejection."), field="reason", code="reason_required")
    note = clean_text(note, field="note")
    if reason == RejectReason.OTHER and not note:
        raise DomainError(_("Explain the reason in the note."), field="note", code="note_required")
    return transition_apply(
        obj=unit, transitions=DeliveryUnit.TRANSITIONS, action="reject", actor=actor,
        reason=f"{reason}: {note}" if note else reason,
        data={"serial_number": unit.serial_number, "reason": reason, "note": note, "responsible_person": person_name(actor)},
        extra_fields={"decided_by": actor, "decided_by_name": person_name(actor), "decided_at": now(),
                      "reject_reason": reason, "reject_note": note},
    )
