"""The HTTP transport: the NOBD snapshot as paginated JSON, with a bearer token.

The API (what ``manage.py nobd_fake_server`` serves, too)::

    GET {NOBD_URL}/snapshots/latest?page_size=N
        → {"taken_on": "YYYY-MM-DD", "rows": R, "page_size": N, "pages": P}
    GET {NOBD_URL}/snapshots/{taken_on}/rows?page=K&page_size=N        (K = 1 … P)
        → {"taken_on": "YYYY-MM-DD", "page": K, "pages": P,
           "results": [{"iin": …, "last_name": …, "first_name": …, "middle_name": …,
                        "birth_date": …, "school_bin": …, "grade": …, "enrolled_on": …,
                        "left_on": …}, …]}

Every request carries ``Authorization: Bearer {NOBD_TOKEN}`` and a timeout (``NOBD_TIMEOUT``).
Network errors, timeouts, 429 and 5xx answers are retried up to ``NOBD_RETRIES`` times
with exponential back-off (``NOBD_BACKOFF`` × 2ⁿ seconds, at most a minute, or the server's
``Retry-After``); 401/403/404 and other answers fail at once.

Pages are written as CSV fragments under ``NOBD_DOWNLOAD_DIR/<taken_on>-p<page_size>/`` as they
arrive (each one atomically), so a fetch that stops — network, a killed worker — resumes
from the first missing page. The pages are then joined, after the header, into one CSV file.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import os
import shutil
import time
from operator import itemgetter
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from django.utils.translation import gettext as _

from contingent.nobd import Fetched, NobdUnavailable, Progress
from contingent.validation import NOBD_COLUMNS

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = {429, 500, 502, 503, 504}
MAX_DELAY = 60.0


class HttpTransport:
    name = "http"

    def __init__(self, *, base_url: str, token: str, timeout: float = 30.0, retries: int = 5, backoff: float = 2.0,
                 page_size: int = 50_000, download_dir: Path, sleep=time.sleep):
        parts = urlsplit(base_url or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise NobdUnavailable(_("NOBD_URL must be an http(s) address, not “%(url)s”.") % {"url": base_url})
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = max(retries, 0)
        self.backoff = max(backoff, 0.0)
        self.page_size = max(page_size, 1)
        self.download_dir = Path(download_dir)
        self.sleep = sleep

    # --- one request, with retries -------------------------------------------------

    def _get(self, path: str, **query) -> dict:
        url = f"{self.base_url}{path}?{urlencode(query)}" if query else f"{self.base_url}{path}"
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        attempt = 0
        while True:
            delay = None
            try:
                with urlopen(Request(url, headers=headers), timeout=self.timeout) as response:  # noqa: S310 - http(s) only
                    return json.loads(response.read())
            except HTTPError as error:
                if error.code not in RETRYABLE_STATUS:
                    if error.code in (401, 403):
                        raise NobdUnavailable(_("NOBD refused the access token (HTTP %(status)s).") % {"status": error.code}) from None
                    raise NobdUnavailable(_("NOBD answered HTTP %(status)s for %(path)s.") % {"status": error.code, "path": path}) from None
                problem = f"HTTP {error.code}"
                retry_after = error.headers.get("Retry-After") if error.headers else None
                if retry_after and retry_after.strip().isdigit():
                    delay = min(float(retry_after), MAX_DELAY)
            except (URLError, TimeoutError, ConnectionError, json.JSONDecodeError) as error:
                problem = str(getattr(error, "reason", None) or error) or error.__class__.__name__
            attempt += 1
            if attempt > self.retries:
                raise NobdUnavailable(
                    _("NOBD did not answer %(path)s after %(count)s attempts: %(problem)s")
                    % {"path": path, "count": attempt, "problem": problem}
                )
            delay = delay if delay is not None else min(self.backoff * 2 ** (attempt - 1), MAX_DELAY)
            logger.warning("NOBD %s: %s; retry %s of %s in %.1f s", path, problem, attempt, self.retries, delay)
            self.sleep(delay)

    # --- the snapshot ----------------------------------------------------------------

    def _directory(self, taken_on: dt.date) -> Path:
        return self.download_dir / f"{taken_on.isoformat()}-p{self.page_size}"

    def fetch(self, *, progress: Progress | None = None) -> Fetched:
        meta = self._get("/snapshots/latest", page_size=self.page_size)
        try:
            taken_on = dt.date.fromisoformat(meta["taken_on"])
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
