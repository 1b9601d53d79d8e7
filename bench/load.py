"""The load test (``manage.py bench_load``, run by ``make bench``, never by the test suite).

In the benchmark's own database (demo data from ``seed_demo``), starts gunicorn and a Celery worker
on loopback and runs locust headless (``bench/locustfile.py``): ``users`` simulated users, one
request a second each (so about ``users`` requests a second), for ``minutes``, over a mix of pages
and API calls of every role. Prints the request count, the errors and the 50th/95th/99th
percentiles; the target is 0 errors and a 95th percentile of at most 300 ms.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from bench.contingent_api import free_port, servers

TARGET_P95_MS = 300
DEMO_PASSWORD = "demo-2025"  # noqa: S105 - demo/users.py, in the benchmark's own database (bench imports no app above it)
FLOOR_URL = "/api/v1/regions/"  # 20 rows, no scoping
SCOPED_URL = "/api/v1/enrolments/?page_size=50"  # a scoped 50-row list (the department's region)
TARGET_THROUGHPUT_RATIO = 0.5  # the scoped list reaches at least half the floor's requests a second
TARGET_P95_RATIO = 2.0  # with a p95 at most twice the floor's
WARM_UP_SECONDS = 20  # the clients' start and sign-ins, before the throughput's steady state (locust_throughput.py)


def _locust(*, locustfile: str, port: int, users: int, seconds: int, prefix: Path, env: dict, log: Path) -> dict:
    subprocess.run(
        [str(Path(sys.executable).with_name("locust")), "-f", str(Path(__file__).with_name(locustfile)), "--headless",
         "--host", f"http://127.0.0.1:{port}", "--users", str(users), "--spawn-rate", str(max(1, users // 10)),
         "--run-time", f"{max(1, seconds)}s", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        env=env, check=False, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return next((row for row in rows if row["Name"] == "endpoint"), None) or next(
        row for row in rows if row["Name"] == "Aggregated")


def throughput(*, port: int, users: int, seconds: int, env: dict, log_dir: Path, write) -> bool:
    """Item 3 of issue 18: ``users`` clients as fast as answered on the floor, then on a scoped list."""
    figures = {}
    for label, url, user in (("floor", FLOOR_URL, "operator"), ("scoped", SCOPED_URL, "department")):
        warm_up = log_dir / f"throughput-{label}-warm-up.json"
        warm_up.unlink(missing_ok=True)
        row = _locust(locustfile="locust_throughput.py", port=port, users=users, seconds=WARM_UP_SECONDS + seconds,
                      prefix=log_dir / f"throughput-{label}",
                      env=dict(env, BENCH_URL=url, BENCH_USER=user, BENCH_WARM_UP=str(warm_up)),
                      log=log_dir / f"locust-{label}.log")
        if not warm_up.exists():  # some client never signed in: there was no steady state to measure
            write(f"throughput {label}: not all {users} clients signed in; see {log_dir / f'locust-{label}.log'}")
            return False
        before = json.loads(warm_up.read_text())
        rps, steady = float(row["Requests/s"]), int(row["Request Count"])
        errors = before["failures"] + int(row["Failure Count"])
        figures[label] = (rps, float(row["95%"]), errors)
        write(f"throughput {label:<6} {url:<36} as {user:<10}: {rps:7.1f} requests/s, p95 {figures[label][1]:.0f} ms, "
              f"{errors} errors ({steady} requests in {steady / rps if rps else 0:.0f} s once all {users} clients had "
              f"signed in; before, {before['requests']} requests in {before['seconds']} s)")
    (floor_rps, floor_p95, floor_errors), (rps, p95, errors) = figures["floor"], figures["scoped"]
    ratio = rps / floor_rps if floor_rps else 0.0
    p95_ratio = p95 / floor_p95 if floor_p95 else float("inf")
    ok = errors == floor_errors == 0 and ratio >= TARGET_THROUGHPUT_RATIO and p95_ratio <= TARGET_P95_RATIO
    write(f"throughput ratio scoped/floor {ratio:.2f} [target >= {TARGET_THROUGHPUT_RATIO}], p95 ratio {p95_ratio:.2f} "
          f"[target <= {TARGET_P95_RATIO}] {'OK' if ok else 'MISSED'}")
    return ok


def in_process(*, write, calls: int = 100, rounds: int = 7) -> None:
    """The processor time of one call of the floor and of the scoped list in this process (Django's test client,
    no server, no network): ``rounds`` rounds of ``calls`` each, the lowest of the rounds' medians — what the
    endpoint itself costs, which the throughputs' ratio reflects with the server's and the clients' shares."""
    import statistics
    import time

    from django.test import Client
    from django.test.utils import override_settings

    from core.garbage import tune_for_requests

    tune_for_requests()  # as the served portal (eqazyna.wsgi)

    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        medians = {}
        for label, url, user in (("floor", FLOOR_URL, "operator"), ("scoped", SCOPED_URL, "department")):
            token = Client().post("/api/v1/auth/token/", {"username": user, "password": DEMO_PASSWORD, "device": "bench"})
            client = Client(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
            for _ in range(10):
                client.get(url)
            medians[label] = []
            for _ in range(rounds):
                times = []
                for _ in range(calls):
                    start = time.process_time()
                    client.get(url)
                    times.append((time.process_time() - start) * 1000)
                medians[label].append(statistics.median(times))
    floor, scoped = min(medians["floor"]), min(medians["scoped"])
    write(f"in the process, per call: floor {floor:.2f} ms, scoped {scoped:.2f} ms of processor time "
          f"(ratio {floor / scoped:.2f}; {rounds} rounds of {calls} calls, the lowest median)")


def run(*, users: int, minutes: float, write, throughput_seconds: int = 60) -> bool:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from core.db import database_url

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    if throughput_seconds:
        in_process(write=write)
    port = free_port()
    log_dir = Path(settings.BASE_DIR) / ".data" / "bench-logs"
    env = dict(os.environ, DATABASE_URL=database_url(), DEBUG="false", LOG_LEVEL="WARNING",
               CELERY_TASK_DEFAULT_QUEUE=f"eqazyna-bench-{os.getpid()}",
               DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "eqazyna.settings"),
               SIGN_IN_FAILURE_LIMIT="1000", API_TOKENS_PER_USER=str(3 * users + 5))  # the throughput runs sign in each client
    connection.close()
    prefix = log_dir / "load"
    with servers(env=env, port=port, log_dir=log_dir):
        from bench.contingent_api import Client

        Client(f"http://127.0.0.1:{port}").wait_until_up()
        subprocess.run(
            [str(Path(sys.executable).with_name("locust")), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
             "--host", f"http://127.0.0.1:{port}", "--users", str(users), "--spawn-rate", str(max(1, users // 10)),
             "--run-time", f"{max(1, round(minutes * 60))}s", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
            env=env, check=False, stdout=open(log_dir / "locust.log", "wb"), stderr=subprocess.STDOUT,
        )
        throughput_ok = throughput(port=port, users=users, seconds=throughput_seconds, env=env, log_dir=log_dir,
                                   write=write) if throughput_seconds else True
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    count, failures = int(total["Request Count"]), int(total["Failure Count"])
    p50, p95, p99 = (float(total[key]) for key in ("50%", "95%", "99%"))
    ok = failures == 0 and p95 <= TARGET_P95_MS and count > 0
    write(f"load: {users} users for {minutes:g} min, pages and API of every role: {count:,} requests "
          f"({float(total['Requests/s']):.1f}/s), {failures} errors, p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms "
          f"[target: 0 errors, p95 <= {TARGET_P95_MS} ms] {'OK' if ok else 'MISSED'}")
    if failures:
        write(f"  failures: {prefix}_failures.csv")
    return ok and throughput_ok
