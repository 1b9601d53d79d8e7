"""The file transport: the snapshot is a CSV file already on this server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.nobd import Fetched, NobdUnavailable, Progress


class FileTransport:
    name = "file"

    def __init__(self, *, path: Path, taken_on: dt.date | None = None):
        self.path = Path(path)
        self.taken_on = taken_on

    def fetch(self, *, progress: Progress | None = None) -> Fetched:
        if not self.path.is_file():
            raise NobdUnavailable(_("No NOBD snapshot file at %(path)s.") % {"path": self.path})
        if progress:
            progress({"stage": "fetch", "transport": self.name, "bytes": self.path.stat().st_size})
        # The file was dropped for today's run: the snapshot is taken today unless said otherwise.
        return Fetched(path=self.path, taken_on=self.taken_on or timezone.localdate(), source=f"file:{self.path.resolve()}")

    def clean_up(self, fetched: Fetched) -> None:
        """The file belongs to whoever dropped it; nothing to do."""
