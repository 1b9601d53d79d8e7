"""The contingent upload through the API at national size (``manage.py bench_contingent_api``).

One school's file of 600 k distinct pupils (about 50 MB of CSV) goes the way a client sends it:

* ``POST /api/v1/contingent-imports/`` to a real gunicorn: the answer (202) comes at once, the
  file is stored and a real Celery worker checks it;
* the client polls ``GET /api/v1/contingent-imports/{id}/`` until the preview is ready, then
  ``POST …/confirm/`` (202) and polls until the contingent is saved.

Printed: the size, the time the web server took to answer each request (it is never held by the
work), the check, the application and the total from the first byte sent to ``applied`` (target
< 60 s), and the rows in the database afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from core.identifiers import make_iin

TARGET_SECONDS = 60.0
SCHOOL_BIN = "990340001230"  # a valid BIN, only in the benchmark's own database
USERNAME = "bench_api_school"
PASSWORD = "bench-api-school-password-2025"  # noqa: S105 - the benchmark database's own user
COLUMNS = ["iin", "last_name", "first_name", "middle_name", "birth_date", "grade", "enrolled_on", "left_on", "category"]
LAST_NAMES = ["Ахметов", "Сәрсенова", "Иванов", "Жақсылықов", "Омарова", "Ким", "Серікбаев", "Нұрланова"]
FIRST_NAMES = ["Алихан", "Айару", "Данияр", "Аружан", "Тимур", "Мадина", "Нұрсұлтан", "Жансая"]


def generate_file(path: Path, rows: int) -> Path:
    """``rows`` distinct valid pupils of grades 0–11 (deterministic); reused when already there."""
    if path.exists() and path.stat().st_size > 0:
        with open(path, encoding="utf-8") as handle:
            if sum(1 for _ in handle) == rows + 1:
                return path
    path.parent.mkdir(parents=True, exist_ok=True)
    year_start = dt.date(2025, 9, 1)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        written, day, serial = 0, 0, 0
        while written < rows:
            grade = day % 12
            birth = dt.date(year_start.year - grade - 6, 1, 1) + dt.timedelta(days=(day // 12) % 365)
            iin = make_iin(birth, "male" if serial % 2 else "female", serial % 10000)
            serial += 1
            if serial % 10000 == 0:
                day += 1
            if not iin:
                continue
            writer.writerow([iin, LAST_NAMES[written % 8], FIRST_NAMES[written // 8 % 8], "", birth.isoformat(), grade,
                             "2025-09-01", "", "sen" if written % 50 == 0 else "regular"])
            written += 1
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def servers(*, env: dict, port: int, log_dir: Path):
    """gunicorn (as in production: ``gunicorn.conf.py``) and a Celery worker on the benchmark database; stopped when the block ends."""
    from django.conf import settings

    bin_dir = Path(sys.executable).parent
    log_dir.mkdir(parents=True, exist_ok=True)
    processes = []
    try:
        for name, argv in (
            ("gunicorn", [str(bin_dir / "gunicorn"), "eqazyna.wsgi", "-b", f"127.0.0.1:{port}",
                          "-c", str(Path(settings.BASE_DIR) / "gunicorn.conf.py")]),
            ("celery", [str(bin_dir / "celery"), "-A", "eqazyna", "worker", "--concurrency=1", "--pool=prefork",
                        "--without-gossip", "--without-mingle", "--loglevel=WARNING"]),
        ):
            log = open(log_dir / f"{name}.log", "ab")
            processes.append((subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT), log))
        yield
    finally:
        for process, log in processes:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


class Client:
    def __init__(self, base: str):
        import urllib3

        self.base = base
        self.http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=5, read=120), retries=False)
        self.token = None
        self.answer_seconds: list[float] = []

    def request(self, method: str, path: str, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        started = time.monotonic()
        response = self.http.request(method, self.base + path, headers=headers, **kwargs)
        self.answer_seconds.append(time.monotonic() - started)
        return response

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.http.request("GET", self.base + "/health/", timeout=2, retries=False).status in (200, 503):
                    return
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.3)
        raise RuntimeError("the web server did not start")

    def poll(self, pk: int, until: set[str], timeout: float = 900) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body = json.loads(self.request("GET", f"/api/v1/contingent-imports/{pk}/").data)
            if body["status"] in until:
                return body
            time.sleep(0.25)
        raise RuntimeError(f"upload {pk} did not reach {until} in {timeout} s")


def drive(*, base: str, path: Path, write) -> dict:
    """Upload, wait, confirm, wait; the figures."""
    client = Client(base)
    client.wait_until_up()
    answer = client.request("POST", "/api/v1/auth/token/", fields={"username": USERNAME, "password": PASSWORD})
    client.token = json.loads(answer.data)["token"]
    client.answer_seconds.clear()
    content = path.read_bytes()
    started = time.monotonic()
    answer = client.request("POST", "/api/v1/contingent-imports/", fields={"file": (path.name, content, "text/csv")})
    upload_answer = client.answer_seconds[-1]
    body = json.loads(answer.data)
    if answer.status not in (201, 202):
        raise RuntimeError(f"upload refused: {answer.status} {body}")
    body = client.poll(body["id"], {"pending", "rejected", "failed"})
    checked = time.monotonic()
    if body["status"] != "pending":
        raise RuntimeError(f"upload not accepted: {body['status']} {body['errors'][:5]}")
    answer = client.request("POST", f"/api/v1/contingent-imports/{body['id']}/confirm/")
    confirm_answer = client.answer_seconds[-1]
    body = client.poll(body["id"], {"applied", "pending", "failed"})
    applied = time.monotonic()
    if body["status"] != "applied":
        raise RuntimeError(f"upload not applied: {body['status']} {body['errors'][:5]}")
    return {
        "bytes": len(content), "rows": body["row_count"], "summary": body["summary"],
        "upload_answer": upload_answer, "confirm_answer": confirm_answer,
        "slowest_answer": max(client.answer_seconds), "requests": len(client.answer_seconds),
        "check": checked - started, "apply": applied - checked, "total": applied - started,
    }


def prepare_database() -> None:
    """The school and its user (the benchmark database only); an earlier run's pupils are removed."""
    from django.db import connection

    from accounts.services import user_upsert
    from core.models import Region
    from schools.models import School

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE contingent_enrolment, contingent_pupil, contingent_contingentimport CASCADE")
    region = Region.objects.get(code="71")
    School.objects.update_or_create(bin=SCHOOL_BIN, defaults={"name_kk": "Бенчмарк мектебі", "name_ru": "Школа бенчмарка",
                                                             "region": region, "capacity": 1_000_000, "oked": "85.31"})
    user_upsert(username=USERNAME, role="school", school_bin=SCHOOL_BIN, password=PASSWORD)


def run(*, rows: int, data_dir: Path, write, inline_max_kb: int | None = None) -> bool:
    from django.conf import settings
    from django.db import connection

    from core.db import database_url

    prepare_database()
    path = generate_file(data_dir / f"contingent-api-{rows}.csv", rows)
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url(), DEBUG="false", LOG_LEVEL="WARNING",
               CELERY_TASK_DEFAULT_QUEUE=f"eqazyna-bench-{os.getpid()}",
               DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "eqazyna.settings"),
               UPLOAD_MAX_MB=str(max(64, path.stat().st_size // 2**20 + 2)))
    if inline_max_kb is not None:
        env["IMPORT_INLINE_MAX_KB"] = str(inline_max_kb)
    connection.close()
    with servers(env=env, port=port, log_dir=Path(settings.BASE_DIR) / ".data" / "bench-logs"):
        figures = drive(base=f"http://127.0.0.1:{port}", path=path, write=write)
    ok = figures["total"] < TARGET_SECONDS
    write(f"contingent upload through the API ({figures['rows']:,} rows, {figures['bytes'] / 2**20:.1f} MB, one school): "
          f"total {figures['total']:.1f} s from the first byte to 'applied' [target < {TARGET_SECONDS:.0f} s] "
          f"{'OK' if ok else 'MISSED'}")
    write(f"  upload answered in {figures['upload_answer']:.2f} s (202), checked by the worker after {figures['check']:.1f} s; "
          f"confirm answered in {figures['confirm_answer']:.2f} s (202), saved {figures['apply']:.1f} s later")
    write(f"  slowest of {figures['requests']} API answers: {figures['slowest_answer']:.2f} s (no web worker held by the work); "
          f"added {figures['summary'].get('enrolments_added', 0):,} enrolments, {figures['summary'].get('pupils_added', 0):,} pupils")
    return ok
