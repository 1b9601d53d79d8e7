"""Reading tabular files (CSV or XLSX) for every importer and upload, in one way.

* UTF-8 CSV (a BOM is accepted), comma-separated, header row; or the first sheet of an XLSX.
* The header must name exactly the expected columns (order free); a missing or unknown
  column is reported by name. A file that is not UTF-8 is reported as such, with the line.
* Rows come with their line number in the file (the header is line 1).
* ``RowErrors`` collects every problem with its line and column; importers check all rows
  first and save nothing if any row is wrong (all-or-nothing).
* Cells are trimmed of surrounding spaces; their values are parsed with ``core.parsing`` (dates,
  whole numbers, amounts) and ``core.identifiers`` (IIN, BIN, IBAN).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError

XLSX_MAGIC = b"PK\x03\x04"
XLSX_MAX_PARTS = 10_000  # parts of a workbook's zip (a table has a dozen)
XLSX_RATIO_FREE_BYTES = 1024 * 1024  # parts below this size may compress as well as they like


@dataclass
class Row:
    line: int
    data: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.data[key]


@dataclass
class RowError:
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line} if self.line else _("file")
        if self.column:
            return f"{where}, {self.column}: {self.message}"
        return f"{where}: {self.message}"


class FileFormatError(DomainError):
    """The file as a whole cannot be read (encoding, columns, format)."""

    default_code = "bad_file"


class RowsInvalid(DomainError):
    """One or more rows are wrong; ``errors`` lists each with its line number."""

    default_code = "invalid_rows"

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        summary = _("%(count)s error(s) in the file; nothing was saved.") % {"count": len(errors)}
        super().__init__(summary, details={"errors": [
            {"line": e.line, "column": e.column, "message": e.message} for e in errors
        ]})

    def lines(self) -> list[str]:
        return [str(error) for error in self.errors]


@dataclass
class RowErrors:
    errors: list[RowError] = field(default_factory=list)
    limit: int = 1000

    def add(self, line: int | None, column: str | None, message) -> None:
        if len(self.errors) < self.limit:
            self.errors.append(RowError(line, column, str(message)))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise RowsInvalid(self.errors)


def _open_bytes(source) -> tuple[BinaryIO, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise FileFormatError(_("File %(name)s does not exist.") % {"name": path})
        return open(path, "rb"), path.name
    name = getattr(source, "name", "") or ""
    return source, Path(str(name)).name


def is_xlsx(handle: BinaryIO) -> bool:
    position = handle.tell()
    magic = handle.read(4)
    handle.seek(position)
    return magic == XLSX_MAGIC


def _check_header(header: list[str], expected: list[str], optional: list[str]) -> list[str]:
    header = [(name or "").strip().lstrip("\ufeff").lower() for name in header]
    missing = [name for name in expected if name not in header]
    unknown = [name for name in header if name not in expected and name not in optional]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("missing column(s): %(names)s") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(_("unknown column(s): %(names)s") % {"names": ", ".join(unknown)})
    if duplicated:
        problems.append(_("repeated column(s): %(names)s") % {"names": ", ".join(duplicated)})
    if problems:
        raise FileFormatError(
            _("The header row does not match the expected columns (%(expected)s): %(problems)s.")
            % {"expected": ",".join(expected), "problems": "; ".join(problems)},
            code="bad_columns",
        )
    return header


def _csv_rows(handle: BinaryIO, expected: list[str], optional: list[str]) -> Iterator[Row]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    line_no = 0

    def text_lines() -> Iterator[str]:
        nonlocal line_no
        for raw in handle:
            line_no += 1
            try:
                yield decoder.decode(raw)
            except UnicodeDecodeError:
                raise FileFormatError(
                    _("The file is not UTF-8 text (line %(line)s); save it as CSV UTF-8 and upload again.")
                    % {"line": line_no},
                    code="bad_encoding",
                ) from None

    reader = csv.reader(text_lines())
    try:
        header = next(reader)
    except StopIteration:
        raise FileFormatError(_("The file is empty."), code="empty") from None
    except csv.Error as exc:
        raise FileFormatError(_("The file is not valid CSV: %(error)s") % {"error": exc}, code="bad_csv") from None
    if len(header) > settings.TABLE_MAX_COLUMNS:
        raise _too_many_columns()
    columns = _check_header(header, expected, optional)
    rows = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileFormatError(
                _("Line %(line)s is not valid CSV: %(error)s") % {"line": reader.line_num, "error": exc}, code="bad_csv"
            ) from None
        rows += 1
        if rows > settings.TABLE_MAX_ROWS:
            raise _too_many_rows()
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(columns):
            yield Row(reader.line_num, {"__width__": str(len(values))})
            continue
        yield Row(reader.line_num, {name: value.strip() for name, value in zip(columns, values, strict=True)})


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _too_many_rows() -> FileFormatError:
    return FileFormatError(
        _("The file has more than %(rows)s rows; split it into smaller files.") % {"rows": f"{settings.TABLE_MAX_ROWS:,}"},
        code="too_many_rows",
    )


def _too_many_columns() -> FileFormatError:
    return FileFormatError(
        _("The file has more than %(columns)s columns.") % {"columns": settings.TABLE_MAX_COLUMNS}, code="too_many_columns",
    )


def check_xlsx_archive(data: bytes) -> None:
    """Refuse an XLSX whose zip directory announces a "zip bomb", before anything is inflated.

    The declared sizes of its parts must stay within ``XLSX_MAX_INFLATED_BYTES`` in all, and no
    part may inflate more than ``XLSX_MAX_COMPRESSION_RATIO`` times its compressed size. A part
    whose data inflates beyond its declared size is cut there by ``zipfile`` and fails its CRC,
    so the declared sizes bound what is ever inflated.
    """
    bomb = FileFormatError(
        _("The XLSX file inflates to far more data than a table of this size holds; it is refused. "
          "Save the table again as XLSX, or as CSV UTF-8."),
        code="xlsx_too_large",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileFormatError(_("The file is not a readable XLSX workbook."), code="bad_xlsx") from None
    if len(parts) > XLSX_MAX_PARTS:
        raise bomb
    if sum(part.file_size for part in parts) > settings.XLSX_MAX_INFLATED_BYTES:
        raise bomb
    for part in parts:
        if part.file_size > XLSX_RATIO_FREE_BYTES and part.file_size > settings.XLSX_MAX_COMPRESSION_RATIO * max(part.compress_size, 1):
            raise bomb


def _xlsx_rows(handle: BinaryIO, expected: list[str], optional: list[str]) -> Iterator[Row]:
    from openpyxl import load_workbook

    data = handle.read()
    check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure means the file is not a readable workbook
        raise FileFormatError(_("The file is not a readable XLSX workbook."), code="bad_xlsx") from None
    try:
        sheet = workbook.worksheets[0]
        # Read one column past the limit, and one row past it: what lies beyond is never padded or kept.
        max_columns, max_rows = settings.TABLE_MAX_COLUMNS, settings.TABLE_MAX_ROWS
        rows = sheet.iter_rows(values_only=True, max_col=max_columns + 1, max_row=max_rows + 1)
        try:
            header = [_xlsx_cell(value) for value in next(rows)]
        except StopIteration:
            raise FileFormatError(_("The file is empty."), code="empty") from None
        except (zipfile.BadZipFile, ValueError, KeyError, SyntaxError):
            raise FileFormatError(_("The file is not a readable XLSX workbook."), code="bad_xlsx") from None
        while header and not header[-1]:
            header.pop()
        if len(header) > max_columns:
            raise _too_many_columns()
        columns = _check_header(header, expected, optional)
        index = 1
        try:
            for index, values in enumerate(rows, start=2):
                if index > max_rows:
                    raise _too_many_rows()
                if len(values) > max_columns and values[max_columns] is not None:
                    raise _too_many_columns()
                cells = [_xlsx_cell(value) for value in values][: len(columns)]
                if not any(cells):
                    continue
                cells += [""] * (len(columns) - len(cells))
                yield Row(index, dict(zip(columns, cells, strict=True)))
        except (zipfile.BadZipFile, ValueError, KeyError, SyntaxError, EOFError):
            # A part that inflates beyond its declared size fails its CRC; broken XML fails to parse.
            raise FileFormatError(
                _("The XLSX file is damaged after line %(line)s.") % {"line": index}, code="bad_xlsx",
            ) from None
    finally:
        workbook.close()


def read_rows(source, *, columns: list[str], optional: list[str] | None = None) -> Iterator[Row]:
    """Yield the rows of a CSV or XLSX file (a path or an open binary file) with line numbers.

    Raises ``FileFormatError`` for a file that cannot be read. A row with the wrong number of
    cells comes back with only the key ``__width__``; use ``row_width_error`` to report it.
    """
    handle, _name = _open_bytes(source)
    try:
        if is_xlsx(handle):
            yield from _xlsx_rows(handle, columns, optional or [])
        else:
            yield from _csv_rows(handle, columns, optional or [])
    finally:
        if isinstance(source, (str, Path)):
            handle.close()


def row_width_error(row: Row, columns: list[str]) -> str | None:
    if "__width__" in row.data:
        return _("%(found)s values where %(expected)s columns are expected") % {
            "found": row.data["__width__"], "expected": len(columns),
        }
    return None
