"""``import_procurement FILE``: the CONTRACT's procurement file, all rows or none.

Columns: ``contract_number,signed_on,supplier_bin,supplier_name,item_code,item_name,unit_price,
school_bin,quantity,delivery_due,warranty_months,software`` (CSV UTF-8 or XLSX; one row per item
and school; ``software`` a ``;``-list). Rows are upserted by (contract_number, item_code,
school_bin) through the same services as the pages, so every rule (the register of unreliable
suppliers on the signing day, the region, quantities not below what was delivered…) holds here
too. Dates, whole numbers and amounts are read by ``core.parsing``, the one strict parser of every
importer. Every problem is reported with its line number; then nothing is saved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.identifiers import parse_bin
from core.parsing import parse_amount, parse_date, parse_int
from core.scoping import require
from core.services import audit_record
from core.tabular import RowErrors, read_rows, row_width_error
from procurement.choices import ProcurementEvent
from procurement.models import MAX_WARRANTY_MONTHS, ContractLine, ProcurementContract
from procurement.services import contracts as svc

COLUMNS = ["contract_number", "signed_on", "supplier_bin", "supplier_name", "item_code", "item_name", "unit_price",
           "school_bin", "quantity", "delivery_due", "warranty_months", "software"]
# A service's field → the file's column.
FIELD_COLUMNS = {"number": "contract_number", "school": "school_bin", "item_code": "item_code"}


@dataclass
class Record:
    line: int
    contract: svc.ContractInput
    item: svc.LineInput
    school_bin: str


@dataclass
class ImportResult:
    sha256: str
    rows: int
    contracts_new: int = 0
    contracts_changed: int = 0
    lines_new: int = 0
    lines_changed: int = 0
    lines_unchanged: int = 0
    contract_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (_("%(rows)s row(s): contracts %(cn)s new, %(cc)s changed; lines %(ln)s new, %(lc)s changed, %(lu)s unchanged.")
                % {"rows": self.rows, "cn": self.contracts_new, "cc": self.contracts_changed, "ln": self.lines_new,
                   "lc": self.lines_changed, "lu": self.lines_unchanged})


def _sha256(source) -> str:
    digest = hashlib.sha256()
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.exists():
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        return digest.hexdigest()
    position = source.tell()
    for chunk in iter(lambda: source.read(1 << 20), b""):
        digest.update(chunk)
    source.seek(position)
    return digest.hexdigest()


def _add(errors: RowErrors, line: int, error: DomainError) -> None:
    column = FIELD_COLUMNS.get(error.field or "", error.field)
    errors.add(line, column, str(error))


def read_records(source, errors: RowErrors) -> list[Record]:
    """Parse and check every row on its own (formats, check digits, schools); collect every problem."""
    from schools.models import School

    rows = list(read_rows(source, columns=COLUMNS))
    school_bins = {row.data.get("school_bin", "") for row in rows}
    schools = {school.bin: school for school in School.objects.filter(bin__in=school_bins)}
    records = []
    for row in rows:
        width = row_width_error(row, COLUMNS)
        if width:
            errors.add(row.line, None, width)
            continue
        before = len(errors.errors)
        values = {}
        for column, parser, kwargs in (("signed_on", parse_date, {}), ("delivery_due", parse_date, {}),
                                       ("unit_price", parse_amount, {}),
                                       ("quantity", parse_int, {"minimum": 1, "maximum": svc.MAX_QUANTITY}),
                                       ("warranty_months", parse_int, {"minimum": 0, "maximum": MAX_WARRANTY_MONTHS})):
            try:
                values[column] = parser(row[column], **kwargs)
            except ValueError as exc:
                errors.add(row.line, column, str(exc))
        school_bin = row["school_bin"]
        try:
            parse_bin(school_bin)
        except ValidationError as exc:
            errors.add(row.line, "school_bin", " ".join(exc.messages))
        else:
            if school_bin not in schools:
                errors.add(row.line, "school_bin", _("no school of the portal has BIN %(bin)s") % {"bin": school_bin})
        if len(errors.errors) > before:
            continue
        school = schools[school_bin]
        contract = item = None
        try:
            contract = svc.clean_contract(svc.ContractInput(
                number=row["contract_number"], signed_on=values["signed_on"], supplier_bin=row["supplier_bin"],
                supplier_name=row["supplier_name"]))
        except DomainError as exc:
            _add(errors, row.line, exc)
        try:
            item = svc.clean_line(svc.LineInput(
                item_code=row["item_code"], item_name=row["item_name"], school=school, quantity=values["quantity"],
                unit_price=values["unit_price"], delivery_due=values["delivery_due"], warranty_months=values["warranty_months"],
                software=row["software"]), contract_region_id=school.region_id, signed_on=values["signed_on"])
        except DomainError as exc:
            _add(errors, row.line, exc)
        if contract is None or item is None:
            continue
        records.append(Record(line=row.line, contract=contract, item=item, school_bin=school_bin))
    return records


def check_consistency(records: list[Record], errors: RowErrors) -> None:
    """Rows of one contract agree on its data and its region; no key twice; one name per item."""
    first: dict[str, Record] = {}
    keys: dict[tuple, int] = {}
    names: dict[tuple, Record] = {}
    for record in records:
        number = record.contract.number
        head = first.setdefault(number, record)
        for name, column in (("signed_on", "signed_on"), ("supplier_bin", "supplier_bin"), ("supplier_name", "supplier_name")):
            if getattr(record.contract, name) != getattr(head.contract, name):
                errors.add(record.line, column, _("differs from line %(line)s of the same contract") % {"line": head.line})
        if record.item.school.region_id != head.item.school.region_id:
            errors.add(record.line, "school_bin", _("the school is in another region than the school of line %(line)s of the same "
                                                   "contract; a contract belongs to one region") % {"line": head.line})
        key = (number, record.item.item_code, record.school_bin)
        if key in keys:
            errors.add(record.line, "item_code", _("the same contract, item and school as line %(line)s") % {"line": keys[key]})
        else:
            keys[key] = record.line
        named = names.setdefault((number, record.item.item_code), record)
        if named.item.item_name != record.item.item_name:
            errors.add(record.line, "item_name", _("item %(code)s is called differently on line %(line)s")
                       % {"code": record.item.item_code, "line": named.line})


@transaction.atomic
def procurement_import(*, source, actor=None) -> ImportResult:
    """Check every row, then upsert them all through the services, or save nothing (``RowsInvalid``)."""
    require(actor, "import", ProcurementContract)
    sha256 = _sha256(source)
    errors = RowErrors()
    records = read_records(source, errors)
    check_consistency(records, errors)
    if actor is not None:
        for record in records:
            if record.item.school.region_id != actor.region_id:
                errors.add(record.line, "school_bin", _("the school is not in your region"))
    errors.raise_if_any()
    if not records and not errors:
        raise DomainError(_("The file has no rows."), code="empty")

    result = ImportResult(sha256=sha256, rows=len(records))
    by_contract: dict[str, list[Record]] = {}
    for record in records:
        by_contract.setdefault(record.contract.number, []).append(record)
    for number, group in by_contract.items():
        head = group[0]
        contract = ProcurementContract.objects.filter(number=number).first()
        try:
            if contract is None:
                contract = svc.contract_create(data=head.contract, actor=actor, region_id=head.item.school.region_id)
                result.contracts_new += 1
            else:
                if contract.region_id != head.item.school.region_id:
                    raise DomainError(_("contract %(number)s is recorded for another region") % {"number": number}, field="school")
                before = (contract.signed_on, contract.supplier_bin, contract.supplier_name)
                contract = svc.contract_update(contract=contract, data=head.contract, actor=actor)
                if before != (contract.signed_on, contract.supplier_bin, contract.supplier_name):
                    result.contracts_changed += 1
        except DomainError as exc:
            _add(errors, head.line, exc)
            continue
        result.contract_ids.append(contract.pk)
        for record in group:
            existing = ContractLine.objects.filter(contract=contract, item_code=record.item.item_code,
                                                   school=record.item.school).first()
            try:
                if existing is None:
                    svc.line_add(contract=contract, data=record.item, actor=actor)
                    result.lines_new += 1
                else:
                    before = svc._line_snapshot(existing)
                    line = svc.line_update(line=existing, data=record.item, actor=actor)
                    if svc._line_snapshot(line) != before:
                        result.lines_changed += 1
                    else:
                        result.lines_unchanged += 1
            except DomainError as exc:
                _add(errors, record.line, exc)
        audit_record(actor=actor, action=ProcurementEvent.IMPORTED, subject=contract,
                     data={"sha256": sha256, "lines": [record.line for record in group]})
    errors.raise_if_any()  # rolls the whole file back
    return result
