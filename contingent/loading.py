"""Streaming files into PostgreSQL with COPY, for the contingent and NOBD importers.

* ``read_header`` checks the header row of a CSV file with ``core.tabular`` (missing, unknown
  or repeated columns are named; a non-UTF-8 header is reported as such).
* ``copy_csv_file`` sends the rest of the file to ``COPY … FROM STDIN`` as it is read, in
  chunks — never row by row in Python — while hashing it (SHA-256) and counting line ends.
  PostgreSQL's own complaints (bad UTF-8, a row with too few or too many values, an
  unterminated quote) become ``FileFormatError`` with the file's line number.
* ``copy_rows`` sends rows already read by ``core.tabular.read_rows`` (small files, XLSX) with
  their line numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import psycopg2
from django.utils.translation import gettext as _

from core.tabular import FileFormatError, Row, read_rows

CHUNK = 1 << 20
_COPY_LINE = re.compile(r"\bline (\d+)")


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class StreamStats:
    """What ``HashingReader`` saw: the file's SHA-256, its size and its line ends."""

    digest: "hashlib._Hash" = field(default_factory=hashlib.sha256)  # noqa: UP037 - a typeshed-only name
    size: int = 0
    newlines: int = 0
    last_byte: bytes = b""

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


class HashingReader(io.RawIOBase):
    """A read-only view of a binary file that hashes and counts what passes through it."""

    def __init__(self, handle: BinaryIO, stats: StreamStats):
        self.handle = handle
        self.stats = stats

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        if data:
            self.stats.digest.update(data)
            self.stats.size += len(data)
            self.stats.newlines += data.count(b"\n")
            self.stats.last_byte = data[-1:]
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.handle.readline(size)
        if data:
            self.stats.digest.update(data)
            self.stats.size += len(data)
            self.stats.newlines += data.count(b"\n")
            self.stats.last_byte = data[-1:]
        return data


def read_header(reader: HashingReader, *, columns: list[str], optional: list[str] | None = None) -> list[str]:
    """Read and check the header line; return the column names in file order."""
    raw = reader.readline()
    if not raw.strip():
        raise FileFormatError(_("The file is empty."), code="empty")
    # core.tabular checks the header (encoding, missing / unknown / repeated columns) …
    for _row in read_rows(io.BytesIO(raw), columns=columns, optional=optional):
        pass
    # … and the names come back in the file's order for COPY.
    text = raw.decode("utf-8-sig")
    return [name.strip().lower() for name in next(csv.reader([text]))]


def _file_line(error: psycopg2.Error, header_lines: int) -> int | None:
    match = _COPY_LINE.search(getattr(error.diag, "context", None) or "")
    return int(match.group(1)) + header_lines if match else None


def copy_error(error: psycopg2.Error, *, header_lines: int = 1, expected: int) -> FileFormatError:
    """PostgreSQL's complaint about the file's text, as a FileFormatError with the file's line."""
    line = _file_line(error, header_lines)
    code = error.pgcode
    if code in ("22021", "22P05"):  # invalid byte sequence / untranslatable character
        return FileFormatError(
            _("The file is not UTF-8 text (line %(line)s); save it as CSV UTF-8 and upload again.") % {"line": line},
            code="bad_encoding",
        )
    message = (error.diag.message_primary or str(error)).strip()
    if code == "22P04" and ("missing data" in message or "extra data" in message):
        return FileFormatError(
            _("line %(line)s: the row does not have %(expected)s values separated by commas") % {"line": line, "expected": expected},
            code="bad_width",
        )
    return FileFormatError(_("Line %(line)s is not valid CSV: %(error)s") % {"line": line, "error": message}, code="bad_csv")


def copy_csv_file(cursor, *, path: str | Path, table: str, columns: list[str], optional: list[str] | None = None,
                  freeze: bool = False, empty_as_text: bool = False) -> tuple[int, StreamStats, list[str]]:
    """COPY a CSV file (header row first) into ``table``; return (rows, stats, header).

    The file's columns may come in any order; the table's columns of those names receive them.
    With ``empty_as_text`` an empty value is read as ``''`` whether quoted or not (else an unquoted
    empty value is NULL).
    """
    stats = StreamStats()
    with open(path, "rb") as handle:
        reader = HashingReader(handle, stats)
        header = read_header(reader, columns=columns, optional=optional)
        options = "FORMAT csv, ENCODING 'UTF8'" + (", FREEZE" if freeze else "")
        if empty_as_text:
            options += f", FORCE_NOT_NULL ({', '.join(header)})"
        sql = f"COPY {table} ({', '.join(header)}) FROM STDIN WITH ({options})"
        try:
            cursor.copy_expert(sql, reader, CHUNK)
        except psycopg2.DataError as error:
            raise copy_error(error, expected=len(header)) from None
        rows = cursor.rowcount
    return rows, stats, header


def expected_rows(stats: StreamStats) -> int:
    """Rows a file of single-line records holds after its header line, from the line ends seen."""
    return stats.newlines - 1 + (0 if stats.last_byte in (b"\n", b"") else 1)


class RowsAsCsv(io.RawIOBase):
    """Rows of ``core.tabular`` (line number first) as a CSV byte stream for ``COPY``."""

    def __init__(self, rows: Iterable[Row], columns: list[str]):
        self.rows: Iterator[Row] = iter(rows)
        self.columns = columns
        self.error: Exception | None = None  # raised by the row source; COPY ends and it is re-raised
        self.buffer = b""
        self.text = io.StringIO()
        self.writer = csv.writer(self.text, lineterminator="\n")

    def readable(self) -> bool:
        return True

    def _fill(self, size: int) -> None:
        data = self.text
        for row in self.rows:
            self.writer.writerow([row.line, *(row.data.get(name, "") for name in self.columns)])
            if data.tell() >= size:
                break
        self.buffer += data.getvalue().encode("utf-8")
        data.seek(0)
        data.truncate()

    def read(self, size: int = -1) -> bytes:
        size = CHUNK if size is None or size < 0 else size
        if len(self.buffer) < size and self.error is None:
            try:
                self._fill(size)
            except Exception as error:  # noqa: BLE001 - kept and re-raised after COPY ends
                self.error = error
                return b""
        chunk, self.buffer = self.buffer[:size], self.buffer[size:]
        return chunk


def copy_rows(cursor, *, rows: Iterable[Row], table: str, columns: list[str]) -> int:
    """COPY rows read by ``core.tabular`` into ``table (line, *columns)``; return the number of rows."""
    sql = f"COPY {table} (line, {', '.join(columns)}) FROM STDIN WITH (FORMAT csv, ENCODING 'UTF8')"
    stream = RowsAsCsv(rows, columns)
    cursor.copy_expert(sql, stream, CHUNK)
    if stream.error is not None:
        raise stream.error
    return cursor.rowcount
