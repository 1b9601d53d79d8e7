"""Exporting a table as CSV (UTF-8 with BOM, so that Excel opens it right) or XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from core.errors import DomainError

FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (dt.datetime,)):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def csv_stream(headers: Sequence[str], rows: Iterable[Sequence]):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(h) for h in headers])
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def xlsx_write(target, headers: Sequence[str], rows: Iterable[Sequence], *, sheet_title: str = "data") -> None:
    """Write ``rows`` as an XLSX workbook into ``target`` (a path or a binary file). openpyxl's write-only
    mode keeps no row in memory: they go to a temporary file as they come."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31] or "data")
    sheet.append([str(h) for h in headers])
    for row in rows:
        # Decimals stay Decimals (exact to the tiyn); Excel cannot store time zones.
        sheet.append([value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value for value in row])
    workbook.save(target)


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], *, sheet_title: str = "data") -> bytes:
    buffer = io.BytesIO()
    xlsx_write(buffer, headers, rows, sheet_title=sheet_title)
    return buffer.getvalue()


def export_response(*, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """An HTTP download of ``rows`` as ``filename.csv`` or ``filename.xlsx``."""
    if fmt not in FORMATS:
        raise DomainError(_("Unknown export format “%(fmt)s”; use csv or xlsx.") % {"fmt": fmt}, code="bad_format")
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        # A national list is tens of megabytes zipped: it is built in a temporary file on disk and sent
        # from there in blocks, never held in memory (the file goes when the response is closed).
        spool = tempfile.TemporaryFile()
        xlsx_write(spool, headers, rows)
        spool.seek(0)
        response = FileResponse(spool, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
