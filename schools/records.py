"""The rows of the schools file and of the two outside registers, read into typed records.

A transport (``integrations.registers``: a file, or the register's web service) yields rows of raw
strings with their line numbers; a reader here (``RegisterClient`` subclass) knows the columns,
turns each row into a record and collects every problem with its line. Files and the web service
are read the same way, so an importer never knows where its rows came from. Values are parsed
with ``core.parsing`` and ``core.identifiers`` — the parsers and messages every importer shares.

* ``SchoolFile`` — the schools file: ``bin,name_kk,name_ru,region_kato,address,oked,capacity,iban``;
* ``LicenceRegister`` — the licence register: ``bin,licence_number,issued_on,levels,status``;
* ``UnreliableSupplierRegister`` — the register of unreliable suppliers: ``bin,included_on,reason``
  and an optional ``excluded_on``.

What the records change in the portal's tables is planned in ``schools.importers`` and applied by
``schools.services.register_import``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.identifiers import normalize_iban, parse_bin, validate_kz_iban
from core.parsing import parse_date, parse_int
from core.tabular import Row, RowError, RowErrors, RowsInvalid
from integrations.registers import NOT_AN_OBJECT, SourceInfo
from integrations.registers import licences as licence_register
from integrations.registers import rnu as rnu_register
from schools.choices import Level, LicenceStatus
from schools.models import validate_oked

RecordT = TypeVar("RecordT")

SCHOOL_COLUMNS = ["bin", "name_kk", "name_ru", "region_kato", "address", "oked", "capacity", "iban"]
CAPACITY_MAX = 100_000
LICENCE_NUMBER_MAX_LENGTH = 50
RNU_REASON_MAX_LENGTH = 2000


@dataclass
class RegisterRead(Generic[RecordT]):
    """What a reader read: the valid records and every problem, each with its line."""

    records: list[RecordT]
    errors: list[RowError]
    source: SourceInfo
    row_count: int = 0
    # Optional columns present in the source (a file without the column leaves the stored value as is).
    columns_present: set[str] = field(default_factory=set)


class RegisterClient(Generic[RecordT]):
    """Reads one file or register through a transport. Subclasses name the columns and parse a row."""

    columns: list[str] = []
    optional: list[str] = []

    def __init__(self, transport):
        self.transport = transport

    def parse(self, row: Row, errors: RowErrors) -> RecordT | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def key(self, record: RecordT) -> tuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe_key(self, record: RecordT) -> str:
        return " / ".join(str(part) for part in self.key(record))

    def read(self, *, params: dict | None = None) -> RegisterRead[RecordT]:
        """Every record; ``errors`` lists each bad row (none are skipped silently)."""
        errors = RowErrors(limit=10_000)
        records: list[RecordT] = []
        first_line: dict[tuple, int] = {}
        present: set[str] = set()
        count = 0
        for row in self.transport.rows(columns=self.columns, optional=self.optional, params=params):
            count += 1
            if "__width__" in row.data:
                errors.add(row.line, None, _("%(found)s values, but the header row has a different number of columns")
                           % {"found": row.data["__width__"]})
                continue
            if NOT_AN_OBJECT in row.data:
                errors.add(row.line, None, _("the record is not an object"))
                continue
            present.update(name for name in self.optional if name in row.data)
            record = self.parse(row, errors)
            if record is None:
                continue
            key = self.key(record)
            if key in first_line:
                errors.add(row.line, None, _("%(key)s is already on line %(line)s") % {
                    "key": self.describe_key(record), "line": first_line[key]})
                continue
            first_line[key] = row.line
            records.append(record)
        return RegisterRead(records=records, errors=errors.errors, source=self.transport.info, row_count=count,
                            columns_present=present)

    def for_bin(self, bin_value: str) -> list[RecordT]:
        """The entries of one legal entity (the web service is asked with ``?bin=``)."""
        result = self.read(params={"bin": bin_value})
        if result.errors:
            raise RowsInvalid(result.errors)
        return [record for record in result.records if getattr(record, "bin", None) == bin_value]


# --- cell parsers: return the value or add an error and return None ---------------------------


def parse_bin_cell(row: Row, errors: RowErrors, column: str = "bin") -> str | None:
    value = row.data.get(column, "")
    if not value:
        errors.add(row.line, column, _("a BIN is required"))
        return None
    try:
        return parse_bin(value).bin
    except ValidationError as exc:
        errors.add(row.line, column, " ".join(exc.messages))
        return None


def parse_cell(row: Row, errors: RowErrors, column: str, parser, **kwargs):
    """Apply a ``core.parsing`` parser (or another that raises ValueError); on error record the message."""
    try:
        return parser(row.data.get(column, ""), **kwargs)
    except ValueError as exc:
        errors.add(row.line, column, str(exc))
        return None


# --- the schools file ----------------------------------------------------------------------------


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


# --- the licence register ------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenceRecord:
    line: int
    bin: str
    number: str
    issued_on: dt.date
    levels: tuple[str, ...]
    status: str


def parse_levels(value: str) -> tuple[str, ...]:
    """``primary;basic`` → ("primary", "basic") in CONTRACT order; ValueError naming what is wrong."""
    parts = [part.strip().lower() for part in (value or "").split(";") if part.strip()]
    if not parts:
        raise ValueError(_("at least one level is required (primary, basic, general, separated by ;)"))
    unknown = [part for part in parts if part not in Level.values]
    if unknown:
        raise ValueError(_("unknown level(s) %(levels)s; use primary, basic, general") % {"levels": ", ".join(unknown)})
    return tuple(level for level in Level.values if level in parts)


def parse_licence_status(value: str) -> str:
    status = (value or "").strip().lower()
    if status not in LicenceStatus.values:
        raise ValueError(_("“%(value)s” is not a licence status; use active, suspended or revoked") % {"value": value})
    return status


class LicenceRegister(RegisterClient[LicenceRecord]):
    columns = licence_register.COLUMNS
    optional = licence_register.OPTIONAL

    def key(self, record: LicenceRecord) -> tuple:
        return (record.bin, record.number)

    def parse(self, row: Row, errors: RowErrors) -> LicenceRecord | None:
        before = len(errors.errors)
        bin_value = parse_bin_cell(row, errors)
        number = row.data.get("licence_number", "")
        if not number:
            errors.add(row.line, "licence_number", _("a licence number is required"))
        elif len(number) > LICENCE_NUMBER_MAX_LENGTH:
            errors.add(row.line, "licence_number", _("longer than %(max)s characters") % {"max": LICENCE_NUMBER_MAX_LENGTH})
        issued_on = parse_cell(row, errors, "issued_on", parse_date)
        levels = parse_cell(row, errors, "levels", parse_levels)
        status = parse_cell(row, errors, "status", parse_licence_status)
        if len(errors.errors) > before:
            return None
        return LicenceRecord(line=row.line, bin=bin_value, number=number, issued_on=issued_on, levels=levels, status=status)


# --- the register of unreliable suppliers --------------------------------------------------------


@dataclass(frozen=True)
class RnuRecord:
    line: int
    bin: str
    included_on: dt.date
    reason: str
    excluded_on: dt.date | None = None


class UnreliableSupplierRegister(RegisterClient[RnuRecord]):
    """Entries are keyed by BIN and date of inclusion: one supplier may be included by several decisions."""

    columns = rnu_register.COLUMNS
    optional = rnu_register.OPTIONAL

    def key(self, record: RnuRecord) -> tuple:
        return (record.bin, record.included_on)

    def describe_key(self, record: RnuRecord) -> str:
        return f"{record.bin} / {record.included_on.isoformat()}"

    def parse(self, row: Row, errors: RowErrors) -> RnuRecord | None:
        before = len(errors.errors)
        bin_value = parse_bin_cell(row, errors)
        included_on = parse_cell(row, errors, "included_on", parse_date)
        excluded_on = parse_cell(row, errors, "excluded_on", parse_date, required=False)
        reason = row.data.get("reason", "")
        if len(reason) > RNU_REASON_MAX_LENGTH:
            errors.add(row.line, "reason", _("longer than %(max)s characters") % {"max": RNU_REASON_MAX_LENGTH})
        if included_on and excluded_on and excluded_on < included_on:
            errors.add(row.line, "excluded_on", _("the exclusion date is before the inclusion date"))
        if len(errors.errors) > before:
            return None
        return RnuRecord(line=row.line, bin=bin_value, included_on=included_on, reason=reason, excluded_on=excluded_on)
