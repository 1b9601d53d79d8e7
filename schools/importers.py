"""Reading and planning register imports: the schools file, the licence register, the RNU register.

``plan_import`` reads every row through a client (``schools.registers``), validates all of them
and compares them with what is stored: each valid row becomes new, changed (with old → new per
field) or unchanged; each bad row an error with its line number. It changes nothing: the
operator's upload shows the plan as a preview, and ``schools.services.register_import`` applies
a plan computed again under a lock, only when it has no errors (all-or-nothing).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.identifiers import normalize_iban, validate_kz_iban
from core.tabular import Row, RowError, RowErrors, parse_int
from schools.choices import RegisterKind
from schools.models import Licence, School, UnreliableSupplierEntry, validate_oked
from schools.registers.base import RegisterClient, SourceInfo, parse_bin_cell, parse_cell
from schools.registers.licences import LicenceRecord, LicenceRegister
from schools.registers.rnu import RnuRecord, UnreliableSupplierRegister

SCHOOL_COLUMNS = ["bin", "name_kk", "name_ru", "region_kato", "address", "oked", "capacity", "iban"]
CAPACITY_MAX = 100_000


class Action:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class SchoolRecord:
    line: int
    bin: str
    name_kk: str
    name_ru: str
    kato: str
    region_code: str
    address: str
    oked: str
    capacity: int | None
    iban: str  # "" = the file names no account: the one the school entered stays


class SchoolFile(RegisterClient[SchoolRecord]):
    """The schools file (CONTRACT): ``bin,name_kk,name_ru,region_kato,address,oked,capacity,iban``."""

    columns = SCHOOL_COLUMNS

    def __init__(self, transport):
        super().__init__(transport)
        from core.models import Region

        self.regions = set(Region.objects.values_list("code", flat=True))

    def key(self, record: SchoolRecord) -> tuple:
        return (record.bin,)

    def parse(self, row: Row, errors: RowErrors) -> SchoolRecord | None:
        before = len(errors.errors)
        bin_value = parse_bin_cell(row, errors)
        names = {}
        for column in ("name_kk", "name_ru"):
            value = row.data.get(column, "")
            if not value:
                errors.add(row.line, column, _("a name is required"))
            elif len(value) > 300:
                errors.add(row.line, column, _("longer than %(max)s characters") % {"max": 300})
            names[column] = value
        kato = row.data.get("region_kato", "")
        if not (len(kato) == 9 and kato.isdigit() and kato.isascii()):
            errors.add(row.line, "region_kato", _("a KATO code is 9 digits, not “%(value)s”") % {"value": kato})
        elif kato[:2] not in self.regions:
            errors.add(row.line, "region_kato", _("KATO %(value)s: no region with code %(code)s") % {"value": kato, "code": kato[:2]})
        address = row.data.get("address", "")
        if len(address) > 500:
            errors.add(row.line, "address", _("longer than %(max)s characters") % {"max": 500})
        oked = row.data.get("oked", "")
        if oked:
            try:
                validate_oked(oked)
            except ValidationError as exc:
                errors.add(row.line, "oked", " ".join(exc.messages))
        capacity = parse_cell(row, errors, "capacity", parse_int, minimum=0, maximum=CAPACITY_MAX, required=False)
        iban = normalize_iban(row.data.get("iban", ""))
        if iban:
            try:
                validate_kz_iban(iban)
            except ValidationError as exc:
                errors.add(row.line, "iban", " ".join(exc.messages))
        if len(errors.errors) > before:
            return None
        return SchoolRecord(
            line=row.line, bin=bin_value, name_kk=names["name_kk"], name_ru=names["name_ru"], kato=kato,
            region_code=kato[:2], address=address, oked=oked, capacity=capacity, iban=iban,
        )


def reader_for(kind: str, transport) -> RegisterClient:
    if kind == RegisterKind.SCHOOLS:
        return SchoolFile(transport)
    if kind == RegisterKind.LICENCES:
        return LicenceRegister(transport)
    if kind == RegisterKind.RNU:
        return UnreliableSupplierRegister(transport)
    raise ValueError(f"unknown register {kind!r}")


def display(value) -> str:
    """A stored or read value as text, the same way on both sides of a comparison."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ";".join(str(item) for item in value)
    return str(value)


@dataclass
class PlannedRow:
    line: int
    key: str
    action: str
    # (field, old, new) for each field that changes; for a new row, every field with old "".
    changes: list[tuple[str, str, str]]
    record: object
    in_portal: bool = True


@dataclass
class ImportPlan:
    kind: str
    source: SourceInfo
    row_count: int
    rows: list[PlannedRow]
    errors: list[RowError]
    columns_present: set[str] = field(default_factory=set)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.action for row in self.rows)
        return {action: counted.get(action, 0) for action in (Action.NEW, Action.CHANGED, Action.UNCHANGED)}

    @property
    def outside_portal(self) -> int:
        return sum(1 for row in self.rows if not row.in_portal)


def _compare(line: int, key: str, record, fields: dict[str, object], stored, in_portal: bool = True) -> PlannedRow:
    if stored is None:
        changes = [(name, "", display(value)) for name, value in fields.items() if display(value)]
        return PlannedRow(line, key, Action.NEW, changes, record, in_portal)
    changes = [
        (name, display(getattr(stored, name)), display(value))
        for name, value in fields.items()
        if display(getattr(stored, name)) != display(value)
    ]
    return PlannedRow(line, key, Action.CHANGED if changes else Action.UNCHANGED, changes, record, in_portal)


def school_fields(record: SchoolRecord, stored: School | None) -> dict[str, object]:
    values = {
        "name_kk": record.name_kk, "name_ru": record.name_ru, "kato": record.kato, "address": record.address,
        "oked": record.oked, "capacity": record.capacity,
    }
    # An empty IBAN in the file keeps the account the school entered in its profile.
    if record.iban or stored is None:
        values["iban"] = record.iban
    return values


def _plan_schools(records: list[SchoolRecord]) -> list[PlannedRow]:
    stored = {school.bin: school for school in School.objects.filter(bin__in=[r.bin for r in records])}
    return [_compare(r.line, r.bin, r, school_fields(r, stored.get(r.bin)), stored.get(r.bin)) for r in records]


def licence_fields(record: LicenceRecord) -> dict[str, object]:
    return {"issued_on": record.issued_on, "levels": list(record.levels), "status": record.status}


def _plan_licences(records: list[LicenceRecord]) -> list[PlannedRow]:
    bins = {r.bin for r in records}
    stored = {(lic.bin, lic.number): lic for lic in Licence.objects.filter(bin__in=bins)}
    portal = set(School.objects.filter(bin__in=bins).values_list("bin", flat=True))
    return [
        _compare(r.line, f"{r.bin} / {r.number}", r, licence_fields(r), stored.get((r.bin, r.number)), r.bin in portal)
        for r in records
    ]


def rnu_fields(record: RnuRecord, columns_present: set[str]) -> dict[str, object]:
    values: dict[str, object] = {"reason": record.reason}
    if "excluded_on" in columns_present:
        values["excluded_on"] = record.excluded_on
    return values


def _plan_rnu(records: list[RnuRecord], columns_present: set[str]) -> list[PlannedRow]:
    bins = {r.bin for r in records}
    stored = {(e.bin, e.included_on): e for e in UnreliableSupplierEntry.objects.filter(bin__in=bins)}
    portal = set(School.objects.filter(bin__in=bins).values_list("bin", flat=True))
    return [
        _compare(r.line, f"{r.bin} / {r.included_on.isoformat()}", r, rnu_fields(r, columns_present),
                 stored.get((r.bin, r.included_on)), r.bin in portal)
        for r in records
    ]


def plan_import(*, kind: str, transport) -> ImportPlan:
    """Read and validate every row of ``transport`` and compare it with what is stored. Changes nothing.

    Raises ``core.tabular.FileFormatError`` when the file as a whole cannot be read (encoding, columns).
    """
    read = reader_for(kind, transport).read()
    if kind == RegisterKind.SCHOOLS:
        rows = _plan_schools(read.records)
    elif kind == RegisterKind.LICENCES:
        rows = _plan_licences(read.records)
    else:
        rows = _plan_rnu(read.records, read.columns_present)
    return ImportPlan(kind=kind, source=read.source, row_count=read.row_count, rows=rows, errors=read.errors,
                      columns_present=read.columns_present)
