"""Benchmark: publish the open data at national size, then time its public pages and API answers.

Runs on the data ``bench.acts`` generated (850 schools, 600 000 enrolments, one month of acts),
after that benchmark: the month's acts are marked accepted (a benchmark fixture, straight in SQL),
one publication is timed, then every public page and open API answer of a sample is requested
``REQUESTS`` times through Django's test client; the p95 of each must stay under ``TARGET_MS``.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test import Client

from acts.choices import ActStatus, LineDecision

TARGET_MS = 100
REQUESTS = 30


def _say(stdout, text: str) -> None:
    stdout.write(text + "\n")


def _accept_month(month) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE acts_actline l SET decision = %s FROM acts_act a WHERE a.id = l.act_id AND a.month = %s",
                       [LineDecision.ACCEPTED, month])
        cursor.execute("UPDATE acts_act SET status = %s, accepted_amount = total_amount WHERE month = %s",
                       [ActStatus.ACCEPTED, month])


def _p95(client: Client, url: str) -> float:
    client.get(url)  # warm
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.quantiles(times, n=20)[-1]


def run(stdout, *, month, as_of) -> dict:
    from opendata.models import PublicContract, PublicSchool
    from opendata.services import publication_refresh

    _say(stdout, "open data: publication and public answers at national size")
    _accept_month(month)
    started = time.monotonic()
    publication = publication_refresh(trigger="command", as_of=as_of)
    seconds = time.monotonic() - started
    _say(stdout, f"  publication #{publication.pk}: {seconds:.1f} s, rows {publication.counts}")
    school = PublicSchool.objects.order_by("id").first()
    contract = PublicContract.objects.order_by("id").first()
    urls = [
        "/ru/open/", f"/ru/open/regions/{school.region_id}/", f"/ru/open/schools/{school.bin}/",
        *([f"/ru/open/orders/{contract.order_id}/"] if contract else []), "/ru/open/search/?q=99",
        "/api/open/v1/", "/api/open/v1/schools/", f"/api/open/v1/schools/{school.bin}/",
        "/api/open/v1/contingent/?grain=region", "/api/open/v1/contracts/", "/api/open/v1/monthly/?grain=country",
        "/api/open/v1/payments/", "/api/open/v1/queue/", "/api/open/v1/ocds/releases/", "/api/open/v1/ocds/records/",
    ]
    client = Client()
    worst = 0.0
    for url in urls:
        p95 = _p95(client, url)
        worst = max(worst, p95)
        _say(stdout, f"  {url:<45} p95 {p95:6.1f} ms")
    ok = worst <= TARGET_MS
    _say(stdout, f"  target p95 ≤ {TARGET_MS} ms: {'PASS' if ok else 'FAIL'} (worst {worst:.1f} ms)")
    return {"publication_seconds": round(seconds, 1), "worst_p95_ms": round(worst, 1), "ok": ok}
