"""The client of the National Education Database (NOBD): one interface, two transports.

``get_transport()`` returns the transport the settings name (``NOBD_TRANSPORT``):

* ``file`` (:class:`integrations.nobd.file.FileTransport`) — a CSV snapshot dropped at
  ``NOBD_FILE_PATH`` by some other channel;
* ``http`` (:class:`integrations.nobd.http.HttpTransport`) — the paginated JSON API at
  ``NOBD_URL`` through the one HTTP transport (:mod:`integrations.http`: bearer token, a deadline
  for each whole request, retries with back-off), resumable from the last page it saved.

Either way ``fetch()`` returns a :class:`Fetched` CSV file in the NOBD file format
(``NOBD_COLUMNS``, fixed by the contract) that ``contingent.services.nobd.nobd_import`` checks and
loads. ``manage.py nobd_fake_server`` serves a
snapshot file over the same HTTP API on loopback, for development and tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings

from core.errors import DomainError
from integrations.http import ServiceUnavailable

# The NOBD snapshot file: one row per enrolment in any school of the country (the contract's format).
NOBD_COLUMNS = ["iin", "last_name", "first_name", "middle_name", "birth_date", "school_bin", "grade", "enrolled_on", "left_on"]

Progress = Callable[[dict], None]


class NobdUnavailable(ServiceUnavailable):
    """The snapshot could not be fetched (after the retries); the message says why."""

    status_code = 503
    default_code = "nobd_unavailable"


@dataclass(frozen=True)
class Fetched:
    path: Path
    taken_on: dt.date
    source: str


class Transport(Protocol):
    name: str

    def fetch(self, *, progress: Progress | None = None) -> Fetched:
        """Get the latest snapshot as a CSV file."""

    def clean_up(self, fetched: Fetched) -> None:
        """Forget what ``fetch`` kept for resuming, once the snapshot is imported."""


def get_transport(name: str | None = None) -> Transport:
    name = name or settings.NOBD_TRANSPORT
    if name == "file":
        from integrations.nobd.file import FileTransport

        return FileTransport(path=Path(settings.NOBD_FILE_PATH))
    if name == "http":
        from integrations.nobd.http import HttpTransport

        return HttpTransport(
            base_url=settings.NOBD_URL, token=settings.NOBD_TOKEN, timeout=settings.NOBD_TIMEOUT,
            retries=settings.NOBD_RETRIES, backoff=settings.NOBD_BACKOFF, page_size=settings.NOBD_PAGE_SIZE,
            download_dir=Path(settings.NOBD_DOWNLOAD_DIR),
        )
    raise DomainError(f"NOBD_TRANSPORT must be 'file' or 'http', not {name!r}")
