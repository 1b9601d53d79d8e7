"""Exporting a table as CSV (UTF-8 with BOM, so that Excel opens it right) or XLSX.

Every download of the portal that a spreadsheet opens goes through here, and so through
``safe_cell``: a text cell that a spreadsheet would read as a formula (it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return: the OWASP "CSV injection" list) is written with
a leading apostrophe, as OWASP advises, and XLSX cells are written as text, never as formulas.
A pupil whose last name is ``=cmd|' /C calc'!A0`` is exported as ``'=cmd|' /C calc'!A0``.
Numbers, dates and amounts are not text and pass unchanged.

Files that programs read back byte for byte (the COPY feed of ``contingent.loading``, the NOBD
download, the demo's input files) are not exports and do not come here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx")
# OWASP, "CSV Injection": cells beginning with these characters are read as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class UnknownFormat(Http404):
    """An export format the portal does not write: the page does not exist (404), never a 500."""


def safe_cell(value):
    """The value of one exported cell: text that a spreadsheet would run as a formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, Promise):  # a lazy translation
        return safe_cell(str(value))
    return value


class _Echo:
    def write(self, value):
        return value


def csv_stream(headers: Sequence[str], rows: Iterable[Sequence]):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(str(h)) for h in headers])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def _xlsx_value(value):
    value = safe_cell(value)
    if isinstance(value, dt.datetime):  # Excel cannot store time zones
        return value.replace(tzinfo=None)
    return value


def xlsx_write(target, headers: Sequence[str], rows: Iterable[Sequence], *, sheet_title: str = "data") -> None:
    """Write ``rows`` as an XLSX workbook into ``target`` (a path or a binary file). openpyxl's write-only
    mode keeps no row in memory: they go to a temporary file as they come."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31] or "data")

    def cells(values):
        out = []
        for value in values:
            value = _xlsx_value(value)
            if isinstance(value, str):
                # openpyxl takes text starting with "=" for a formula: text cells are typed as text.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                out.append(cell)
            else:
                out.append(value)  # Decimals stay Decimals (exact to the tiyn)
        return out

    sheet.append(cells(str(h) for h in headers))
    for row in rows:
        sheet.append(cells(row))
    workbook.save(target)


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], *, sheet_title: str = "data") -> bytes:
    buffer = io.BytesIO()
    xlsx_write(buffer, headers, rows, sheet_title=sheet_title)
    return buffer.getvalue()


def check_format(fmt: str) -> str:
    """``fmt`` if the portal exports it; otherwise ``UnknownFormat`` (404) with a clear message."""
    if fmt not in FORMATS:
        raise UnknownFormat(_("Unknown export format “%(fmt)s”; use csv or xlsx.") % {"fmt": fmt})
    return fmt


def export_response(*, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """An HTTP download of ``rows`` as ``filename.csv`` or ``filename.xlsx``; 404 for any other format."""
    check_format(fmt)
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
