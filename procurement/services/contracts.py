"""Procurement contracts and their lines: recorded, edited, closed or terminated by the department.

The supplier is checked against the register of unreliable suppliers on the day the contract was
signed: a supplier on the register that day may not be contracted (public procurement excludes
it), so such a contract is refused. Deliveries check it again on their own day (``deliveries``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ConflictError, DomainError
from core.identifiers import parse_bin
from core.parsing import parse_amount
from core.scoping import require
from core.services import audit_record
from core.workflow import lock, transition_apply
from procurement.choices import LIVE_UNIT_STATUSES, ContractStatus, ProcurementEvent
from procurement.models import MAX_WARRANTY_MONTHS, ContractLine, PenaltyClaim, ProcurementContract
from procurement.registers import entry_evidence, supplier_entries_on
from procurement.services.common import clean_text, today

MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("99999999999999.99")
MAX_SOFTWARE = 50
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
LINE_FIELDS = ("item_name", "quantity", "unit_price", "delivery_due", "warranty_months", "software")
ITEM_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]*$")


@dataclass(frozen=True)
class ContractInput:
    number: str
    signed_on: dt.date
    supplier_bin: str
    supplier_name: str


@dataclass(frozen=True)
class LineInput:
    item_code: str
    item_name: str
    school: object  # schools.School
    quantity: int
    unit_price: Decimal
    delivery_due: dt.date
    warranty_months: int
    software: list[str] = field(default_factory=list)


# --- validation: one place, used by the pages, the API and the importer -------------------------

def clean_contract(data: ContractInput) -> ContractInput:
    number = clean_text(data.number, field="number", required=True, label=_("Contract number"), limit=60)
    if any(ch in number for ch in "\r\n\t"):
        raise DomainError(_("A contract number is one line of text."), field="number")
    if not isinstance(data.signed_on, dt.date) or not EARLIEST <= data.signed_on <= LATEST:
        raise DomainError(_("Give the date the contract was signed."), field="signed_on")
    if data.signed_on > today():
        raise DomainError(_("The contract cannot be signed in the future."), field="signed_on", code="future")
    try:
        supplier_bin = parse_bin((data.supplier_bin or "").strip()).bin
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="supplier_bin", code="bad_bin") from None
    name = clean_text(data.supplier_name, field="supplier_name", required=True, label=_("Supplier"), limit=300)
    return ContractInput(number=number, signed_on=data.signed_on, supplier_bin=supplier_bin, supplier_name=name)


def clean_software(values) -> list[str]:
    if isinstance(values, str):
        values = values.split(";")
    cleaned: list[str] = []
    for value in values or []:
        value = " ".join(str(value).split())
        if not value:
            continue
        if len(value) > 200:
            raise DomainError(_("A software licence name is longer than 200 characters."), field="software")
        if value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > MAX_SOFTWARE:
        raise DomainError(_("At most %(max)s software licences per line.") % {"max": MAX_SOFTWARE}, field="software")
    return cleaned


def parse_price(value) -> Decimal:
    """A unit price: a positive amount with at most two decimals (the tiyn); text is read by ``core.parsing``."""
    try:
        price = value if isinstance(value, Decimal) else parse_amount(None if value is None else str(value))
    except ValueError as exc:
        raise DomainError(str(exc), field="unit_price") from None
    if not price.is_finite() or price <= 0 or price > MAX_PRICE:
        raise DomainError(_("The unit price must be above zero."), field="unit_price")
    if price != price.quantize(Decimal("0.01")):
        raise DomainError(_("An amount has at most two decimals (tiyn)."), field="unit_price")
    return price.quantize(Decimal("0.01"))


def clean_line(data: LineInput, *, contract_region_id: str, signed_on: dt.date) -> LineInput:
    code = clean_text(data.item_code, field="item_code", required=True, label=_("Item code"), limit=40)
    if not ITEM_CODE.match(code):
        raise DomainError(_("An item code is letters, digits and . _ / - without spaces."), field="item_code")
    name = clean_text(data.item_name, field="item_name", required=True, label=_("Item"), limit=300)
    school = data.school
    if school is None:
        raise DomainError(_("Choose the school."), field="school")
    if school.region_id != contract_region_id:
        raise DomainError(_("The school %(bin)s is not in the contract's region.") % {"bin": school.bin}, field="school",
                          code="other_region")
    if not isinstance(data.quantity, int) or not 1 <= data.quantity <= MAX_QUANTITY:
        raise DomainError(_("The quantity is a whole number from 1 to %(max)s.") % {"max": MAX_QUANTITY}, field="quantity")
    price = parse_price(data.unit_price)
    if not isinstance(data.delivery_due, dt.date) or not EARLIEST <= data.delivery_due <= LATEST:
        raise DomainError(_("Give the delivery deadline."), field="delivery_due")
    if data.delivery_due < signed_on:
        raise DomainError(_("The delivery deadline is before the contract was signed."), field="delivery_due")
    if not isinstance(data.warranty_months, int) or not 0 <= data.warranty_months <= MAX_WARRANTY_MONTHS:
        raise DomainError(_("The warranty is 0 to %(max)s months.") % {"max": MAX_WARRANTY_MONTHS}, field="warranty_months")
    return LineInput(item_code=code, item_name=name, school=school, quantity=data.quantity, unit_price=price,
                     delivery_due=data.delivery_due, warranty_months=data.warranty_months,
                     software=clean_software(data.software))


def check_supplier_at_signing(*, supplier_bin: str, signed_on: dt.date) -> None:
    entries = list(supplier_entries_on(supplier_bin, signed_on))
    if entries:
        entry = entries[0]
        raise DomainError(
            _("The supplier %(bin)s was on the register of unreliable suppliers on %(date)s (included %(included)s: "
              "%(reason)s); a contract with it cannot be recorded.")
            % {"bin": supplier_bin, "date": signed_on.strftime("%d.%m.%Y"), "included": entry.included_on.strftime("%d.%m.%Y"),
               "reason": entry.reason or "—"},
            field="supplier_bin", code="unreliable_supplier", details={"entries": [entry_evidence(e) for e in entries]},
        )


def _ensure_active(contract: ProcurementContract) -> None:
    if contract.status != ContractStatus.ACTIVE:
        raise ConflictError(_("The contract is “%(status)s”; it can no longer be changed.") % {"status": contract.get_status_display()},
                            code="contract_not_active")


def _line_snapshot(line: ContractLine) -> dict:
    return {"item_code": line.item_code, "item_name": line.item_name, "school": line.school.bin, "quantity": line.quantity,
            "unit_price": line.unit_price, "delivery_due": line.delivery_due, "warranty_months": line.warranty_months,
            "software": list(line.software)}


def _check_item_name(contract: ProcurementContract, data: LineInput, *, exclude_pk=None) -> None:
    others = contract.lines.filter(item_code=data.item_code).exclude(item_name=data.item_name)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is not None:
        raise DomainError(_("Item %(code)s is called “%(name)s” on another line of this contract.")
                          % {"code": data.item_code, "name": other.item_name}, field="item_name", code="item_name_differs")


# --- contracts -----------------------------------------------------------------------------

@transaction.atomic
def contract_create(*, data: ContractInput, actor, region_id: str | None = None,
                    lines: list[LineInput] | tuple = ()) -> ProcurementContract:
    """Record a contract for the actor's region (the system, importing, names the region)."""
    region_id = region_id if actor is None else getattr(actor, "region_id", None)
    require(actor, "add", ProcurementContract(region_id=region_id))
    if region_id is None:
        raise DomainError(_("The contract's region is unknown."), code="no_region")
    data = clean_contract(data)
    if ProcurementContract.objects.filter(number=data.number).exists():
        raise ConflictError(_("A contract numbered %(number)s is already recorded.") % {"number": data.number},
                            field="number", code="duplicate_number")
    check_supplier_at_signing(supplier_bin=data.supplier_bin, signed_on=data.signed_on)
    contract = ProcurementContract.objects.create(
        number=data.number, region_id=region_id, signed_on=data.signed_on, supplier_bin=data.supplier_bin,
        supplier_name=data.supplier_name, created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action=ProcurementEvent.CONTRACT_RECORDED, subject=contract, to_status=contract.status,
                 data={"number": contract.number, "region": region_id, "signed_on": contract.signed_on,
                       "supplier_bin": contract.supplier_bin, "supplier_name": contract.supplier_name,
                       "register_checked_on": contract.signed_on})
    for line in lines:
        line_add(contract=contract, data=line, actor=actor)
    return contract


@transaction.atomic
def contract_update(*, contract: ProcurementContract, data: ContractInput, actor) -> ProcurementContract:
    """Change a contract's number, date or supplier (each change logged old → new)."""
    contract = lock(contract)
    require(actor, "change", contract)
    data = clean_contract(data)
    changes = {}
    for name in ("number", "signed_on", "supplier_bin", "supplier_name"):
        old, new = getattr(contract, name), getattr(data, name)
        if old != new:
            changes[name] = {"old": old, "new": new}
    if not changes:  # the same data again (a file imported twice) changes nothing, whatever the status
        return contract
    _ensure_active(contract)
    if data.number != contract.number and ProcurementContract.objects.filter(number=data.number).exists():
        raise ConflictError(_("A contract numbered %(number)s is already recorded.") % {"number": data.number},
                            field="number", code="duplicate_number")
    if (data.supplier_bin, data.signed_on) != (contract.supplier_bin, contract.signed_on):
        check_supplier_at_signing(supplier_bin=data.supplier_bin, signed_on=data.signed_on)
    early = contract.lines.filter(delivery_due__lt=data.signed_on).first()
    if early is not None:
        raise DomainError(_("A line of this contract is due on %(date)s, before the new signing date.")
                          % {"date": early.delivery_due.strftime("%d.%m.%Y")}, field="signed_on")
    for name, change in changes.items():
        setattr(contract, name, change["new"])
    contract.save()
    audit_record(actor=actor, action=ProcurementEvent.CONTRACT_CHANGED, subject=contract, data={"changes": changes})
    return contract


@transaction.atomic
def contract_close(*, contract: ProcurementContract, actor, reason: str = "") -> ProcurementContract:
    """Active → closed: every unit of every line was delivered and accepted."""
    locked = lock(contract)
    require(actor, "close", locked)
    from procurement.selectors import lines_with_progress

    unfinished = [line for line in lines_with_progress(ContractLine.objects.filter(contract=locked)) if line.accepted_count < line.quantity]
    if unfinished:
        raise ConflictError(
            _("%(count)s line(s) still wait for units to be accepted; a contract the supplier did not fulfil is terminated, not closed.")
            % {"count": len(unfinished)}, code="not_fulfilled")
    return transition_apply(obj=locked, transitions=ProcurementContract.TRANSITIONS, action="close",
                            actor=actor, reason=clean_text(reason, field="reason"), extra_fields={"ended_on": today()})


@transaction.atomic
def contract_terminate(*, contract: ProcurementContract, actor, reason: str) -> ProcurementContract:
    """Active → terminated (reason required): lateness stops counting today; the penalty becomes final."""
    locked = lock(contract)
    require(actor, "terminate", locked)
    reason = clean_text(reason, field="reason")
    return transition_apply(obj=locked, transitions=ProcurementContract.TRANSITIONS, action="terminate",
                            actor=actor, reason=reason, extra_fields={"ended_on": today(), "status_reason": reason})


# --- lines ---------------------------------------------------------------------------------

@transaction.atomic
def line_add(*, contract: ProcurementContract, data: LineInput, actor) -> ContractLine:
    contract = lock(contract)
    require(actor, "add", ContractLine(contract=contract))
    _ensure_active(contract)
    data = clean_line(data, contract_region_id=contract.region_id, signed_on=contract.signed_on)
    if contract.lines.filter(item_code=data.item_code, school=data.school).exists():
        raise ConflictError(_("The contract already has item %(code)s for this school; change that line instead.")
                            % {"code": data.item_code}, field="item_code", code="duplicate_line")
    _check_item_name(contract, data)
    line = ContractLine.objects.create(
        contract=contract, item_code=data.item_code, item_name=data.item_name, school=data.school, quantity=data.quantity,
        unit_price=data.unit_price, delivery_due=data.delivery_due, warranty_months=data.warranty_months, software=data.software,
    )
    audit_record(actor=actor, action=ProcurementEvent.LINE_ADDED, subject=contract, data={"line": line.pk, **_line_snapshot(line)})
    return line


@transaction.atomic
def line_update(*, line: ContractLine, data: LineInput, actor) -> ContractLine:
    """Change a line (each change logged old → new). Its item and school stay: they are the line's key."""
    line = ContractLine.objects.select_for_update().select_related("contract", "school").get(pk=line.pk)
    contract = line.contract
    require(actor, "change", line)
    data = clean_line(data, contract_region_id=contract.region_id, signed_on=contract.signed_on)
    if (data.item_code, data.school.pk) != (line.item_code, line.school_id):
        raise DomainError(_("A line's item code and school cannot change; remove the line and add another."), field="item_code",
                          code="key_changed")
    before = _line_snapshot(line)
    after = {**before, **{name: getattr(data, name) for name in LINE_FIELDS}}
    changes = {name: {"old": before[name], "new": after[name]} for name in before if before[name] != after[name]}
    if not changes:  # the same data again changes nothing, whatever the status
        return line
    _ensure_active(contract)
    _check_item_name(contract, data, exclude_pk=line.pk)
    live = line.units.filter(status__in=LIVE_UNIT_STATUSES).count()
    if data.quantity < live:
        raise ConflictError(_("%(count)s unit(s) were already delivered on this line; the quantity cannot be lower.")
                            % {"count": live}, field="quantity", code="below_delivered")
    for name in LINE_FIELDS:
        setattr(line, name, getattr(data, name))
    line.save()
    audit_record(actor=actor, action=ProcurementEvent.LINE_CHANGED, subject=contract,
                 data={"line": line.pk, "item_code": line.item_code, "school": line.school.bin, "changes": changes})
    return line


@transaction.atomic
def line_remove(*, line: ContractLine, actor) -> None:
    line = ContractLine.objects.select_for_update().select_related("contract", "school").get(pk=line.pk)
    contract = line.contract
    require(actor, "delete", line)
    _ensure_active(contract)
    if line.units.exists() or PenaltyClaim.objects.filter(line=line).exists():
        raise ConflictError(_("Units were delivered on this line; it cannot be removed (lower nothing below what was delivered)."),
                            code="line_has_units")
    snapshot = _line_snapshot(line)
    pk = line.pk
    line.delete()
    audit_record(actor=actor, action=ProcurementEvent.LINE_REMOVED, subject=contract, data={"line": pk, **snapshot})

