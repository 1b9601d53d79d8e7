"""Transports and the shared reading logic of the register clients.

A transport yields ``core.tabular.Row`` objects (raw strings with a line number); a client
(``RegisterClient`` subclass) knows its columns, turns each row into a typed record and
collects every problem with its line number. Files and the web service are read the same way,
so an importer never knows where its rows came from.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.tabular import FileFormatError, Row, RowError, RowErrors, read_rows
from schools.choices import ChangeSource

logger = logging.getLogger(__name__)

RecordT = TypeVar("RecordT")

# Statuses worth asking again: the service is overloaded or briefly down.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# Marks a record of the web service that is not a JSON object.
NOT_AN_OBJECT = "__not_object__"


class RegisterUnavailable(DomainError):
    """The register's web service did not give a usable answer (after the retries)."""

    status_code = 502
    default_code = "register_unavailable"


@dataclass(frozen=True)
class SourceInfo:
    """Where the rows came from: a file name or a URL, how, and the SHA-256 of what was read."""

    label: str
    kind: str
    sha256: str


class FileTransport:
    """A CSV or XLSX file: a path, an open binary file or bytes. Read once, hashed, kept in memory."""

    def __init__(self, source, *, label: str | None = None, kind: str = ChangeSource.IMPORT):
        if isinstance(source, bytes):
            content, name = source, label or "upload"
        elif isinstance(source, (str, Path)):
            path = Path(source)
            if not path.is_file():
                raise FileFormatError(_("File %(name)s does not exist.") % {"name": path}, code="no_file")
            content, name = path.read_bytes(), path.name
        else:
            content, name = source.read(), Path(str(getattr(source, "name", "") or "upload")).name
        self.content = content
        self.info = SourceInfo(label=label or name, kind=kind, sha256=hashlib.sha256(content).hexdigest())

    def rows(self, *, columns: list[str], optional: list[str], params: dict | None = None) -> Iterator[Row]:
        return read_rows(io.BytesIO(self.content), columns=columns, optional=optional)


class HttpTransport:
    """The register's web service: ``GET url`` answers JSON, either a list of records or
    ``{"results": [...], "next": url-or-null}`` (pages are followed on the same host only, so the
    token never leaves for another server). Each record is an object whose keys are the file's
    columns; ``levels`` may be a list. Row numbers are the record's position in the answer.

    Connection errors, timeouts and the statuses in ``RETRY_STATUSES`` are retried ``retries``
    times, waiting ``backoff × 2ⁿ`` seconds (capped at ``max_backoff``); other answers fail at once.
    """

    def __init__(
        self, *, url: str, token: str = "", timeout: float = 10.0, retries: int = 3, backoff: float = 0.5,
        max_backoff: float = 30.0, max_pages: int = 10_000, max_bytes: int = 50 * 1024 * 1024,
        sleep: Callable[[float], None] = time.sleep,
    ):
        parsed = urllib.parse.urlsplit(url or "")
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise DomainError(_("The register's address “%(url)s” is not an http(s) URL.") % {"url": url}, code="bad_url")
        self.url, self.token = url, token
        self.timeout, self.retries, self.backoff, self.max_backoff = timeout, max(0, retries), backoff, max_backoff
        self.max_pages, self.max_bytes, self.sleep = max_pages, max_bytes, sleep
        self._origin = (parsed.scheme, parsed.netloc)
        self._digest = hashlib.sha256()
        self.attempts = 0  # requests made, retries included (for the logs and the tests)

    @property
    def info(self) -> SourceInfo:
        return SourceInfo(label=self.url, kind=ChangeSource.HTTP, sha256=self._digest.hexdigest())

    def _request(self, url: str) -> bytes:
        headers = {"Accept": "application/json", "User-Agent": "E-Qazyna"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        problem = ""
        for attempt in range(self.retries + 1):
            self.attempts += 1
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=self.timeout) as answer:
                    body = answer.read(self.max_bytes + 1)
                if len(body) > self.max_bytes:
                    raise RegisterUnavailable(_("The register's answer is larger than %(mb)s MB.") % {"mb": self.max_bytes // 2**20})
                return body
            except urllib.error.HTTPError as exc:
                problem = f"HTTP {exc.code}"
                if exc.code not in RETRY_STATUSES:
                    raise RegisterUnavailable(
                        _("The register refused the request: %(problem)s.") % {"problem": problem},
                        details={"url": url, "status": exc.code},
                    ) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                problem = str(getattr(exc, "reason", exc)) or exc.__class__.__name__
            if attempt < self.retries:
                delay = min(self.backoff * 2**attempt, self.max_backoff)
                logger.warning("register %s: %s; retry %s of %s in %.1fs", url, problem, attempt + 1, self.retries, delay)
                self.sleep(delay)
        raise RegisterUnavailable(
            _("The register did not answer after %(attempts)s attempt(s): %(problem)s.")
            % {"attempts": self.retries + 1, "problem": problem},
            details={"url": url},
        )

    def _next_url(self, current: str, value) -> str | None:
        if not value:
            return None
        target = urllib.parse.urljoin(current, str(value))
        parsed = urllib.parse.urlsplit(target)
        if (parsed.scheme, parsed.netloc) != self._origin:
            raise RegisterUnavailable(_("The register pointed to another server for the next page; refused."))
        return target

    @staticmethod
    def _cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            return ";".join(str(item) for item in value)
        return str(value).strip()

    def rows(self, *, columns: list[str], optional: list[str], params: dict | None = None) -> Iterator[Row]:
        url = self.url
        if params:
            separator = "&" if urllib.parse.urlsplit(url).query else "?"
            url = f"{url}{separator}{urllib.parse.urlencode(params)}"
        position, pages, seen = 0, 0, set()
        while url:
            if url in seen or pages >= self.max_pages:
                raise RegisterUnavailable(_("The register's pages do not end; stopped after %(pages)s.") % {"pages": pages})
            seen.add(url)
            pages += 1
            body = self._request(url)
            self._digest.update(body)
            try:
                payload = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise RegisterUnavailable(_("The register answered with something that is not JSON.")) from None
            if isinstance(payload, dict) and isinstance(payload.get("results"), list):
                records, next_value = payload["results"], payload.get("next")
            elif isinstance(payload, list):
                records, next_value = payload, None
            else:
                raise RegisterUnavailable(_("The register's answer has neither a list of records nor “results”."))
            for record in records:
                position += 1
                if not isinstance(record, dict):
                    yield Row(position, {NOT_AN_OBJECT: "1"})
                    continue
                known = {str(key).lower(): value for key, value in record.items()}
                yield Row(position, {name: self._cell(known[name]) for name in columns + optional if name in known})
            url = self._next_url(url, next_value)


@dataclass
class RegisterRead(Generic[RecordT]):
    """What a client read: the valid records and every problem, each with its line."""

    records: list[RecordT]
    errors: list[RowError]
    source: SourceInfo
    row_count: int = 0
    # Optional columns present in the source (a file without the column leaves the stored value as is).
    columns_present: set[str] = field(default_factory=set)


class RegisterClient(Generic[RecordT]):
    """Reads one register through a transport. Subclasses name the columns and parse a row."""

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
        """Every record of the register; ``errors`` lists each bad row (none are skipped silently)."""
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
            from core.tabular import RowsInvalid

            raise RowsInvalid(result.errors)
        return [record for record in result.records if getattr(record, "bin", None) == bin_value]


# --- field parsers shared by the clients: return the value or add an error and return None ---

def parse_bin_cell(row: Row, errors: RowErrors, column: str = "bin") -> str | None:
    from django.core.exceptions import ValidationError

    from core.identifiers import parse_bin

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
    """Apply a ``core.tabular`` value parser; on ValueError record the message and return None."""
    try:
        return parser(row.data.get(column, ""), **kwargs)
    except ValueError as exc:
        errors.add(row.line, column, str(exc))
        return None
