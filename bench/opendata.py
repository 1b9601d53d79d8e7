"""Benchmark of the open data (issue 15): every public page and open API answer at national size, p50/p95,
against a floor measured in the same run. Target: p95 ≤ ``TARGET_MS``.

    python manage.py bench_opendata [--scale 1] [--requests 20] [--keep] [--reuse]

Data: the web benchmark's (``bench.web.build``: 850 schools, ~600 k enrolments, findings of a real check run,
the acts of a whole school year ≈ 6 M lines, two months paid), in a database of its own. Then one publication
is timed (``publication_refresh``: every public table, OCDS, bulk files), and each URL of ``urls`` is requested
``requests`` times through the whole middleware stack as an anonymous visitor (the rate limit's bookkeeping
runs, with a limit the benchmark cannot reach). The floor is a minimal DRF view, no authentication, answering a
bare ``SELECT … LIMIT 50`` of the public contracts (``bench/urls.py``). Answers and page contents are kept in the
shared cache per publication (``opendata.api.views``, ``opendata.views``): the first request of each URL after the
publication is timed apart (``cold``), the target is on the requests after it.
"""

from __future__ import annotations

import time

from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from acts.choices import ActStatus, LineDecision

TARGET_MS = 100


def _accept_month(month) -> None:
    """Mark a month's acts accepted (a benchmark fixture, straight in SQL)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE acts_actline l SET decision = %s FROM acts_act a WHERE a.id = l.act_id AND a.month = %s",
                       [LineDecision.ACCEPTED, month])
        cursor.execute("UPDATE acts_act SET status = %s, accepted_amount = total_amount WHERE month = %s",
                       [ActStatus.ACCEPTED, month])


def publish(*, as_of, write) -> dict:
    from opendata.services import publication_refresh

    started = time.monotonic()
    publication = publication_refresh(trigger="command", as_of=as_of)
    seconds = time.monotonic() - started
    write(f"open data: publication #{publication.pk} in {seconds:.1f} s, rows {publication.counts}")
    return {"publication_seconds": round(seconds, 1)}


def urls() -> list[tuple[str, str]]:
    """(what, URL) of every public page and open API endpoint, on the biggest school, region, order and contract."""
    from django.db.models import Count

    from opendata import models as public

    biggest = (public.ContingentFigure.objects.filter(grain="school", level="").order_by("-pupils", "school_id")
               .values_list("school_id", flat=True).first())
    school = public.PublicSchool.objects.filter(pk=biggest).first() or public.PublicSchool.objects.order_by("id").first()
    region = school.region_id
    order = (public.PublicApplication.objects.values("order_id").annotate(n=Count("id")).order_by("-n", "order_id")
             .values_list("order_id", flat=True).first())
    contract = public.PublicContract.objects.filter(school=school).order_by("id").first() or \
        public.PublicContract.objects.order_by("id").first()
    payment = public.PublicPayment.objects.order_by("id").first()
    release = public.OcdsRelease.objects.order_by("id").values_list("id", flat=True).first()
    month = public.MonthlyFigure.objects.order_by("-month").values_list("month", flat=True).first()
    api = "/api/open/v1/"
    found = [
        ("page country", "/ru/open/"), ("page country (kk)", "/kk/open/"),
        ("page region", f"/ru/open/regions/{region}/"),
        ("page school", f"/ru/open/schools/{school.bin}/"),
        ("page search", "/ru/open/search/?q=Мектеп"), ("page search BIN", f"/ru/open/search/?q={school.bin[:6]}"),
        ("page downloads", "/ru/open/data/"),
        ("api index", api),
        ("api schools", f"{api}schools/"), ("api schools ?q", f"{api}schools/?q={school.bin[:6]}"),
        ("api school", f"{api}schools/{school.bin}/"),
        ("api contingent region", f"{api}contingent/?grain=region"),
        ("api contingent school", f"{api}contingent/?school={school.bin}"),
        ("api contingent (all)", f"{api}contingent/"),
        ("api findings country", f"{api}findings/?grain=country"), ("api findings (all)", f"{api}findings/"),
        ("api orders", f"{api}orders/"), ("api queue", f"{api}queue/"),
        ("api queue of region", f"{api}queue/?region={region}"),
        ("api contracts", f"{api}contracts/"), ("api contracts of region", f"{api}contracts/?region={region}"),
        ("api monthly country", f"{api}monthly/?grain=country"),
        ("api monthly of region", f"{api}monthly/?grain=region&region={region}"),
        ("api monthly (all)", f"{api}monthly/"),
        ("api payments", f"{api}payments/"), ("api payments of school", f"{api}payments/?school={school.bin}"),
        ("api procurement", f"{api}procurement/"), ("api audit heads", f"{api}audit-heads/"),
        ("api files", f"{api}files/"),
        ("api ocds releases", f"{api}ocds/releases/"), ("api ocds releases region", f"{api}ocds/releases/?region={region}"),
        ("api ocds records", f"{api}ocds/records/"),
    ]
    if order:
        found += [("page order", f"/ru/open/orders/{order}/"), ("api order", f"{api}orders/{order}/"),
                  ("api queue of order", f"{api}queue/?order={order}")]
    if contract:
        found += [("api contract", f"{api}contracts/{contract.number}/"),
                  ("api monthly of contract", f"{api}monthly/?contract={contract.number}")]
    if month:
        found.append(("api monthly of a month", f"{api}monthly/?month={month:%Y-%m-%d}"))
    if payment:
        found.append(("api payment", f"{api}payments/{payment.reference}/"))
    if release:
        found.append(("api ocds release", f"{api}ocds/releases/{release}/"))
    found.append(("api file contingent.csv", f"{api}files/contingent.csv"))
    return found


def _cold(client: Client, url: str) -> float:
    """The time of one request in ms (the first after a publication: its answer is not cached yet)."""
    started = time.perf_counter()
    response = client.get(url)
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    return (time.perf_counter() - started) * 1000


def measure(*, requests: int, write) -> bool:
    """Print p50/p95 of every public answer and of the floor; whether every p95 is within the target."""
    from bench.web import _timed
    from opendata.api.views import OpenDataThrottle

    rates = OpenDataThrottle.THROTTLE_RATES
    OpenDataThrottle.THROTTLE_RATES = {**rates, "open_data": "1000000/minute"}
    client = Client()
    rows, ok = [], True
    try:
        with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["*"], DEBUG=False):
            floor_p50, floor_p95, floor_q, _status, _size = _timed(client, "/bench-floor-open/", requests)
            rows.append(("floor: SELECT … LIMIT 50", "/bench-floor-open/", floor_p50, floor_p95, floor_q, 200, 0, 0.0))
            for label, url in urls():
                cold = _cold(client, url)
                p50, p95, queries, status, size = _timed(client, url, requests)
                rows.append((label, url, p50, p95, queries, status, size, cold))
                ok &= status == 200 and p95 <= TARGET_MS
    finally:
        OpenDataThrottle.THROTTLE_RATES = rates
    write("")
    write("cold: the first request after the publication (nothing cached yet); p50/p95 and queries: the requests after")
    write(f"{'open data answer':<27} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'× floor':>8} {'queries':>7} {'status':>6} "
          f"{'KB':>7}  URL")
    for label, url, p50, p95, queries, status, size, cold in rows:
        ratio = p50 / floor_p50 if floor_p50 else float("inf")
        write(f"{label:<27} {cold:8.1f} {p50:8.1f} {p95:8.1f} {ratio:8.1f} {queries:7d} {status:6d} {size / 1024:7.0f}  {url}")
    worst = max(rows[1:], key=lambda row: row[3])
    write(f"target p95 ≤ {TARGET_MS} ms: {'PASS' if ok else 'MISSED'} (worst {worst[3]:.1f} ms: {worst[0]})")
    return ok
