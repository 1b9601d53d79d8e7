"""The HTTP transport: the NOBD snapshot as paginated JSON, with a bearer token.

The API (what ``manage.py nobd_fake_server`` serves, too)::

    GET {NOBD_URL}/snapshots/latest?page_size=N
        → {"taken_on": "YYYY-MM-DD", "rows": R, "page_size": N, "pages": P}
    GET {NOBD_URL}/snapshots/{taken_on}/rows?page=K&page_size=N        (K = 1 … P)
        → {"taken_on": "YYYY-MM-DD", "page": K, "pages": P,
           "results": [{"iin": …, "last_name": …, "first_name": …, "middle_name": …,
                        "birth_date": …, "school_bin": …, "grade": …, "enrolled_on": …,
                        "left_on": …}, …]}

Every request goes through the one HTTP transport (:class:`integrations.http.HttpClient`): a
bearer token (``NOBD_TOKEN``), a deadline for each whole request (``NOBD_TIMEOUT`` seconds: a page
must arrive complete within it), and up to ``NOBD_RETRIES`` retries of network errors, timeouts,
429 and 5xx answers with exponential back-off (``NOBD_BACKOFF`` × 2ⁿ seconds, at most a minute,
or the server's ``Retry-After``); 401/403/404 and other answers fail at once.

Pages are written as CSV fragments under ``NOBD_DOWNLOAD_DIR/<taken_on>-p<page_size>/`` as they
arrive (each one atomically), so a fetch that stops — network, a killed worker — resumes
from the first missing page. The pages are then joined, after the header, into one CSV file.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import time
from operator import itemgetter
from pathlib import Path

from django.utils.translation import gettext as _

from core.parsing import parse_date
from integrations.http import HttpClient
from integrations.nobd import NOBD_COLUMNS, Fetched, NobdUnavailable, Progress

# A page of 50,000 rows is some 15 MB of JSON; the fake server serves at most 100,000 rows a page.
MAX_PAGE_BYTES = 256 * 1024 * 1024


class HttpTransport:
    name = "http"

    def __init__(self, *, base_url: str, token: str, timeout: float = 30.0, retries: int = 5, backoff: float = 2.0,
                 page_size: int = 50_000, download_dir: Path, sleep=time.sleep):
        self.client = HttpClient(url=base_url, service=_("NOBD"), error=NobdUnavailable, token=token, timeout=timeout,
                                 retries=retries, backoff=backoff, max_bytes=MAX_PAGE_BYTES, sleep=sleep)
        self.base_url = base_url.rstrip("/")
        self.page_size = max(page_size, 1)
        self.download_dir = Path(download_dir)

    def _get(self, path: str, **query) -> dict:
        answer = self.client.get_json(f"{self.base_url}{path}", params=query)
        if not isinstance(answer, dict):
            raise NobdUnavailable(_("NOBD's answer to %(path)s is not a JSON object.") % {"path": path})
        return answer

    # --- the snapshot ----------------------------------------------------------------

    def _directory(self, taken_on: dt.date) -> Path:
        return self.download_dir / f"{taken_on.isoformat()}-p{self.page_size}"

    def fetch(self, *, progress: Progress | None = None) -> Fetched:
        meta = self._get("/snapshots/latest", page_size=self.page_size)
        try:
            taken_on = parse_date(meta["taken_on"])
            pages, rows, page_size = int(meta["pages"]), int(meta["rows"]), int(meta.get("page_size", self.page_size))
        except (KeyError, TypeError, ValueError):
            raise NobdUnavailable(_("NOBD's description of the latest snapshot is malformed.")) from None
        directory = self._directory(taken_on)
        directory.mkdir(parents=True, exist_ok=True)
        state = directory / "meta.json"
        known = json.loads(state.read_text()) if state.exists() else None
        if known != {"rows": rows, "pages": pages, "page_size": page_size}:
            # Another snapshot (or another paging) under the same date: start again.
            for old in directory.glob("page-*.csv"):
                old.unlink()
            state.write_text(json.dumps({"rows": rows, "pages": pages, "page_size": page_size}))
        received = 0
        getter = itemgetter(*NOBD_COLUMNS)
        for page in range(1, pages + 1):
            target = directory / f"page-{page:06d}.csv"
            if target.exists():
                received += _lines(target)
                continue
            answer = self._get(f"/snapshots/{taken_on.isoformat()}/rows", page=page, page_size=page_size)
            if answer.get("taken_on") != taken_on.isoformat() or answer.get("page") != page:
                raise NobdUnavailable(_("NOBD changed the snapshot while it was being fetched; try again."))
            partial = target.with_suffix(".part")
            try:
                with open(partial, "w", encoding="utf-8", newline="") as handle:
                    # C-level iteration: the values of each result, in the CONTRACT's column order.
                    csv.writer(handle, lineterminator="\n").writerows(map(getter, answer["results"]))
            except (KeyError, TypeError):
                partial.unlink(missing_ok=True)
                raise NobdUnavailable(_("Page %(page)s of the NOBD snapshot is malformed.") % {"page": page}) from None
            os.replace(partial, target)
            received += len(answer["results"])
            if progress:
                progress({"stage": "fetch", "page": page, "pages": pages, "rows": received})
        if received != rows:
            raise NobdUnavailable(_("NOBD announced %(announced)s rows but sent %(received)s.") % {"announced": rows, "received": received})
        snapshot = directory / "snapshot.csv"
        with open(snapshot.with_suffix(".part"), "wb") as out:
            out.write((",".join(NOBD_COLUMNS) + "\n").encode())
            for page in range(1, pages + 1):
                with open(directory / f"page-{page:06d}.csv", "rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
        os.replace(snapshot.with_suffix(".part"), snapshot)
        return Fetched(path=snapshot, taken_on=taken_on, source=f"{self.base_url}/snapshots/{taken_on.isoformat()}")

    def clean_up(self, fetched: Fetched) -> None:
        """The snapshot is imported: delete its pages and every older download."""
        if self.download_dir.is_dir():
            for directory in self.download_dir.iterdir():
                if directory.is_dir():
                    shutil.rmtree(directory, ignore_errors=True)


def _lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            count += chunk.count(b"\n")
    return count
