"""Reading and planning register imports: the schools file, the licence register, the RNU register.

``plan_import`` reads every row through a reader (``schools.records``) over a transport
(``integrations.registers``: a file or the register's web service), validates all of them
and compares them with what is stored: each valid row becomes new, changed (with old → new per
field) or unchanged; each bad row an error with its line number. It changes nothing: the
operator's upload shows the plan as a preview, and ``schools.services.register_import`` applies
a plan computed again under a lock, only when it has no errors (all-or-nothing).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from core.tabular import RowError
from integrations.registers import SourceInfo
from schools.choices import RegisterKind
from schools.models import Licence, School, UnreliableSupplierEntry
from schools.records import (
    LicenceRecord,
    LicenceRegister,
    RegisterClient,
    RnuRecord,
    SchoolFile,
    SchoolRecord,
    UnreliableSupplierRegister,
)


class Action:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


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
