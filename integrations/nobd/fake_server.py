"""A stand-in NOBD server for development and tests: serves a snapshot CSV file over the HTTP
API of :mod:`integrations.nobd.http`, on loopback only.

Options make it misbehave on purpose: ``token`` (answer 401 without ``Bearer <token>``),
``fail_every`` (every n-th request answers 503 with ``Retry-After: 0``), ``delay`` (seconds
before each page), so that retries, timeouts and resuming can be exercised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import time
from array import array
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from integrations.nobd import NOBD_COLUMNS

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
MAX_PAGE_SIZE = 100_000


class Snapshot:
    """The file's header and the byte offset of every row, to serve any page quickly."""

    def __init__(self, path: Path, taken_on: dt.date):
        self.path = Path(path)
        self.taken_on = taken_on
        self.offsets = array("q")
        with open(self.path, "rb") as handle:
            header = handle.readline().decode("utf-8-sig").strip()
            self.columns = [name.strip() for name in header.split(",")]
            position = handle.tell()
            for line in handle:  # a development tool: indexing row by row is fine here
                if line.strip():
                    self.offsets.append(position)
                position += len(line)
        if sorted(self.columns) != sorted(NOBD_COLUMNS):
            raise ValueError(f"{path} does not have the NOBD columns {','.join(NOBD_COLUMNS)}")

    @property
    def rows(self) -> int:
        return len(self.offsets)

    def pages(self, page_size: int) -> int:
        return max((self.rows + page_size - 1) // page_size, 1)

    def page(self, number: int, page_size: int) -> list[dict]:
        start = (number - 1) * page_size
        if start >= self.rows:
            return []
        count = min(page_size, self.rows - start)
        with open(self.path, "rb") as handle:
            handle.seek(self.offsets[start])
            lines = [handle.readline().decode("utf-8") for _ in range(count)]
        results = []
        for values in csv.reader(io.StringIO("".join(lines))):
            row = dict(zip(self.columns, values, strict=False))
            results.append({name: (row.get(name) or None) if name in ("middle_name", "left_on") else row.get(name, "")
                            for name in NOBD_COLUMNS})
        return results


def make_server(*, path: Path, taken_on: dt.date, host: str = "127.0.0.1", port: int = 0, token: str = "",
                fail_every: int = 0, delay: float = 0.0) -> ThreadingHTTPServer:
    if host not in LOOPBACK:
        raise ValueError("the fake NOBD server listens on loopback only (127.0.0.1, ::1, localhost)")
    snapshot = Snapshot(path, taken_on)
    counter = {"requests": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeNOBD/1"

        def log_message(self, format, *args):  # noqa: A002 - quiet: tests and development
            pass

        def _json(self, status: int, body: dict, headers: dict | None = None) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 - http.server's naming
            with lock:
                counter["requests"] += 1
                number = counter["requests"]
            if token and self.headers.get("Authorization") != f"Bearer {token}":
                return self._json(401, {"error": "a valid bearer token is required"})
            if fail_every and number % fail_every == 0:
                return self._json(503, {"error": "temporarily unavailable (on purpose)"}, {"Retry-After": "0"})
            parts = urlsplit(self.path)
            query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
            try:
                page_size = min(max(int(query.get("page_size", "1000")), 1), MAX_PAGE_SIZE)
                page = int(query.get("page", "1"))
            except ValueError:
                return self._json(400, {"error": "page and page_size must be whole numbers"})
            if parts.path == "/snapshots/latest":
                return self._json(200, {"taken_on": taken_on.isoformat(), "rows": snapshot.rows, "page_size": page_size,
                                        "pages": snapshot.pages(page_size)})
            if parts.path == f"/snapshots/{taken_on.isoformat()}/rows":
                if not 1 <= page <= snapshot.pages(page_size):
                    return self._json(404, {"error": "no such page"})
                if delay:
                    time.sleep(delay)
                return self._json(200, {"taken_on": taken_on.isoformat(), "page": page, "pages": snapshot.pages(page_size),
                                        "results": snapshot.page(page, page_size)})
            return self._json(404, {"error": "not found"})

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            # A client that gave up (a timeout in a test) is no error of the server's.
            import sys

            if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                super().handle_error(request, client_address)

    server = Server((host, port), Handler)
    server.snapshot = snapshot
    server.counter = counter
    return server
