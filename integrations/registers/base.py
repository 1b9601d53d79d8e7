"""The two transports of the register clients and what they report about their source.

A transport yields ``core.tabular.Row`` objects (raw strings with a line number) for the columns
it is asked for, and ``info`` says where they came from. Files and the web service are read the
same way, so a reader never knows where its rows came from.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tabular import FileFormatError, Row, read_rows
from integrations.http import HttpClient, ServiceUnavailable, with_query

# Marks a record of the web service that is not a JSON object.
NOT_AN_OBJECT = "__not_object__"


class SourceKind(models.TextChoices):
    """How a register's rows reached the portal (``schools.choices.ChangeSource`` takes these values)."""

    IMPORT = "import", gettext_lazy("Command-line import")
    UPLOAD = "upload", gettext_lazy("Uploaded by an operator")
    HTTP = "http", gettext_lazy("Loaded from the register's web service")


class RegisterUnavailable(ServiceUnavailable):
    """The register's web service did not give a usable answer (after the retries)."""

    status_code = 502
    default_code = "register_unavailable"


@dataclass(frozen=True)
class SourceInfo:
    """Where the rows came from: a file name or a URL, how (a ``SourceKind``), and the SHA-256 of what was read."""

    label: str
    kind: str
    sha256: str


class FileTransport:
    """A CSV or XLSX file: a path, an open binary file or bytes. Read once, hashed, kept in memory."""

    def __init__(self, source, *, label: str | None = None, kind: str = SourceKind.IMPORT):
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

    Requests go through :class:`integrations.http.HttpClient` (token, a deadline for each whole
    request, retries with back-off); ``client.attempts`` counts them.
    """

    def __init__(
        self, *, url: str, service: str | None = None, token: str = "", timeout: float = 10.0, retries: int = 3,
        backoff: float = 0.5, max_pages: int = 10_000, max_bytes: int = 50 * 1024 * 1024,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.client = HttpClient(url=url, service=service or _("Register"), error=RegisterUnavailable, token=token,
                                 timeout=timeout, retries=retries, backoff=backoff, max_bytes=max_bytes, sleep=sleep)
        self.url = url
        self.max_pages = max_pages
        self._digest = hashlib.sha256()

    @property
    def info(self) -> SourceInfo:
        return SourceInfo(label=self.url, kind=SourceKind.HTTP, sha256=self._digest.hexdigest())

    def _unavailable(self, message: str, **values) -> RegisterUnavailable:
        return RegisterUnavailable(message % {"service": self.client.service, **values}, details={"url": self.url})

    def _next_url(self, current: str, value) -> str | None:
        if not value:
            return None
        target = urljoin(current, str(value))
        parsed = urlsplit(target)
        if (parsed.scheme, parsed.netloc) != self.client.origin:
            raise self._unavailable(_("%(service)s: the next page is on another server; refused."))
        return target

    @staticmethod
    def _cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            return ";".join(str(item) for item in value)
        return str(value).strip()

    def rows(self, *, columns: list[str], optional: list[str], params: dict | None = None) -> Iterator[Row]:
        url = with_query(self.url, params)
        position, pages, seen = 0, 0, set()
        while url:
            if url in seen or pages >= self.max_pages:
                raise self._unavailable(_("%(service)s: the pages do not end; stopped after %(pages)s."), pages=pages)
            seen.add(url)
            pages += 1
            body = self.client.get(url)
            self._digest.update(body)
            payload = self.client.decode_json(body)
            if isinstance(payload, dict) and isinstance(payload.get("results"), list):
                records, next_value = payload["results"], payload.get("next")
            elif isinstance(payload, list):
                records, next_value = payload, None
            else:
                raise self._unavailable(_("%(service)s: the answer has neither a list of records nor “results”."))
            for record in records:
                position += 1
                if not isinstance(record, dict):
                    yield Row(position, {NOT_AN_OBJECT: "1"})
                    continue
                known = {str(key).lower(): value for key, value in record.items()}
                yield Row(position, {name: self._cell(known[name]) for name in columns + optional if name in known})
            url = self._next_url(url, next_value)
