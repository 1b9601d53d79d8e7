"""Bulk downloads: every public table as CSV, XLSX and JSON, written by each publication.

Files live in ``OPEN_DATA_DIR/<publication id>/<table>.<format>``; the latest succeeded publication's
files are the ones served. The columns are those of the public tables (``TABLES``); a figure over
fewer than 5 pupils reads ``<5`` (``opendata.privacy``). Nothing else is written: the files are made
from the public tables only.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from core.exports import csv_stream, xlsx_bytes
from opendata import models as public
from opendata.choices import FileFormat
from opendata.privacy import public_value


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    mark: str | None = None  # the mark column of a figure over pupils


@dataclass(frozen=True)
class Table:
    name: str
    model: type
    columns: tuple[Column, ...]
    order_by: tuple[str, ...] = ("pk",)

    def queryset(self):
        fields = []
        for column in self.columns:
            fields.append(column.field)
            if column.mark:
                fields.append(column.mark)
        return self.model.objects.order_by(*self.order_by).values_list(*fields)

    def rows(self):
        for values in self.queryset().iterator(chunk_size=5000):
            row, index = [], 0
            for column in self.columns:
                if column.mark:
                    row.append(public_value(values[index], values[index + 1]))
                    index += 2
                else:
                    value = values[index]
                    row.append(";".join(value) if isinstance(value, list) else value)
                    index += 1
            yield row

    @property
    def headers(self) -> list[str]:
        return [column.name for column in self.columns]


def _c(name: str, field: str | None = None, mark: bool = False) -> Column:
    field = field or name
    return Column(name, field, f"{field}_mark" if mark else None)


TABLES = (
    Table("schools", public.PublicSchool, (
        _c("bin"), _c("name_kk"), _c("name_ru"), _c("region", "region_id"), _c("kato"), _c("address"), _c("oked"),
        _c("capacity"), _c("status")), ("bin",)),
    Table("licences", public.PublicLicence, (
        _c("bin"), _c("licence_number", "number"), _c("issued_on"), _c("levels"), _c("status")), ("bin", "issued_on", "number")),
    Table("contingent", public.ContingentFigure, (
        _c("grain"), _c("region", "region_id"), _c("school_bin", "school__bin"), _c("level"), _c("pupils", mark=True)),
        ("grain", "region_id", "school__bin", "level")),
    Table("findings", public.FindingFigure, (
        _c("grain"), _c("region", "region_id"), _c("school_bin", "school__bin"), _c("code"), _c("count", mark=True)),
        ("grain", "region_id", "school__bin", "code")),
    Table("orders", public.PublicOrder, (
        _c("order_id", "id"), _c("region", "region_id"), _c("school_year"), _c("programme_code"), _c("title_kk", "title"), _c("title_ru"),
        _c("title_en"), _c("status"),
        _c("budget"), _c("committed_amount"), _c("places"), _c("approved_places"), _c("sen_coefficient"),
        _c("applications_open_at"), _c("applications_close_at"), _c("service_start"), _c("service_end"), _c("published_at")),
        ("id",)),
    Table("order_levels", public.PublicOrderLevel, (
        _c("order_id"), _c("level"), _c("places"), _c("approved_places"), _c("monthly_norm")), ("order_id", "id")),
    Table("queue", public.PublicApplication, (
        _c("application_id", "id"), _c("order_id"), _c("region", "region_id"), _c("position"), _c("school_bin", "school__bin"),
        _c("school_name_ru", "school__name_ru"), _c("status"), _c("submitted_at"), _c("decided_at")), ("order_id", "position")),
    Table("queue_levels", public.PublicApplicationLevel, (
        _c("application_id"), _c("level"), _c("requested_places"), _c("approved_places")), ("application_id", "id")),
    Table("contracts", public.PublicContract, (
        _c("number"), _c("order_id"), _c("application_id"), _c("region", "region_id"), _c("school_bin", "school__bin"),
        _c("school_name_ru", "school__name_ru"), _c("school_year"), _c("status"), _c("period_start"), _c("period_end"),
        _c("months"), _c("places"), _c("total_amount"), _c("signed_at")), ("number",)),
    Table("contract_levels", public.PublicContractLevel, (
        _c("contract_number", "contract__number"), _c("level"), _c("places"), _c("monthly_norm")), ("contract__number", "id")),
    Table("monthly", public.MonthlyFigure, (
        _c("grain"), _c("region", "region_id"), _c("contract_number", "contract__number"), _c("school_bin", "school__bin"),
        _c("month"), _c("school_year"), _c("accepted", mark=True), _c("paid", mark=True), _c("recovered", mark=True)),
        ("grain", "region_id", "contract__number", "month")),
    Table("payments", public.PublicPayment, (
        _c("reference"), _c("contract_number", "contract__number"), _c("region", "region_id"), _c("school_bin", "school__bin"),
        _c("month"), _c("paid_on"), _c("amount", mark=True)), ("contract__number", "month", "id")),
    Table("procurement", public.ProcurementFigure, (
        _c("grain"), _c("region", "region_id"), _c("contracts"), _c("units"), _c("amount"), _c("units_on_time"),
        _c("units_accepted_late"), _c("units_late"), _c("penalty_due"), _c("penalties_claimed"), _c("penalties_paid")),
        ("grain", "region_id")),
    Table("audit_heads", public.PublicAuditHead, (
        _c("day"), _c("seq"), _c("hash"), _c("published_at"), _c("statement"), _c("tsa_url"), _c("tsa_time"),
        _c("tsa_serial"), _c("tsa_token")), ("seq",)),
)
TABLE_NAMES = tuple(table.name for table in TABLES)


def directory_of(publication_id: int) -> Path:
    return Path(settings.OPEN_DATA_DIR) / str(publication_id)


def _json_bytes(table: Table) -> bytes:
    rows = [dict(zip(table.headers, row, strict=True)) for row in table.rows()]
    return json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


def _content(table: Table, fmt: str) -> bytes:
    if fmt == FileFormat.CSV:
        return "".join(csv_stream(table.headers, table.rows())).encode()
    if fmt == FileFormat.XLSX:
        return xlsx_bytes(table.headers, table.rows(), sheet_title=table.name)
    return _json_bytes(table)


def files_write(publication) -> list:
    """Write every table in every format for ``publication``; returns the ``BulkFile`` rows (unsaved)."""
    directory = directory_of(publication.pk)
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for table in TABLES:
        rows = table.queryset().count()
        for fmt in FileFormat.values:
            content = _content(table, fmt)
            name = f"{table.name}.{fmt}"
            (directory / name).write_bytes(content)
            files.append(public.BulkFile(publication=publication, table=table.name, fmt=fmt, name=name,
                                         sha256=hashlib.sha256(content).hexdigest(), size=len(content), rows=rows))
    return files


def files_prune(keep_ids: set[int]) -> None:
    """Remove the directories of publications other than ``keep_ids`` (failed ones, superseded ones)."""
    root = Path(settings.OPEN_DATA_DIR)
    if not root.is_dir():
        return
    for path in root.iterdir():
        if path.is_dir() and path.name.isdigit() and int(path.name) not in keep_ids:
            shutil.rmtree(path, ignore_errors=True)
