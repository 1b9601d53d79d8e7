"""The web benchmark (issue 18): every big list page and endpoint at national size, as an operator,
a department and a school, against a floor measured in the same run.

Data (``build``), in the benchmark's own database, with the builders of ``bench`` and ``bench_acts``:
850 private schools with their contracts, ~600 k enrolments (``import_contingent``'s COPY path),
one national NOBD snapshot (~4 M rows, ``nobd_import``), the findings of a real check run and the
risk flags of a real risk run, the monthly acts of the school year (September to May: ~6 M lines,
``acts_build_month``), the acts of September and October accepted and paid (one payment each).
``--scale`` shrinks every count.

Figures (``measure``): for each list, role and variant (first page, a deep page — the cursor of the
row in the middle of the list —, the heaviest filter, the export) the p50 and p95 over ``requests``
requests in this process through the whole middleware stack, the number of SQL queries of one
request, and the ratio of the p50 to the floor's: a minimal DRF view answering a bare
``SELECT … LIMIT 50`` of the same table (``bench/urls.py``). Then the detail pages with many
lines: the biggest act and the school with the most pupils (time and HTML size).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

TARGET_LIST_MS = 150
TARGET_DETAIL_MS = 300
SCHOOL_YEAR_MONTHS = [dt.date(2025, m, 1) for m in (9, 10, 11, 12)] + [dt.date(2026, m, 1) for m in (1, 2, 3, 4, 5)]
BUILD_TODAY = dt.date(2026, 6, 1)
PAID_MONTHS = SCHOOL_YEAR_MONTHS[:2]


def _say(write, text: str) -> None:
    write(text)


# --- data ----------------------------------------------------------------------------------------


def build(*, scale: float, seed: int, directory: Path, write) -> None:
    """Generate (once per scale) the national data and load it into this (the benchmark's) database."""
    from accounts.models import User
    from acts.services import acts_build_month
    from bench.checks import create_schools, reset_database
    from bench.data import DATA_VERSION, Generated, Plan, generate
    from bench.opendata import _accept_month
    from checks.services import check_run_now
    from contingent.services.imports import contingent_import
    from contingent.services.nobd import nobd_import
    from core.roles import Role
    from risk.engine import risk_run_now

    plan = Plan(scale=scale, seed=seed)
    scaled = plan.scaled()
    directory = directory / f"scale-{plan.scale:g}-seed-{plan.seed}-v{DATA_VERSION}"
    cache = directory / "plan.json"
    started = time.monotonic()
    if cache.exists():
        import json

        generated = Generated.from_json(json.loads(cache.read_text(encoding="utf-8")))
    else:
        generated = generate(plan, directory)
    write(f"data: {len(generated.schools):,} schools, {generated.contingent_rows:,} enrolments, "
          f"{generated.nobd_rows:,} NOBD rows (files ready in {time.monotonic() - started:.1f} s)")
    reset_database()
    create_schools(generated)
    operator = User.objects.get(username="bench-officer")
    step = time.monotonic()
    contingent_import(source=generated.contingent_path, school=None)
    snapshot = nobd_import(path=generated.nobd_path, taken_on=scaled.check_date)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE contingent_pupil")
        cursor.execute("VACUUM ANALYZE contingent_enrolment")
    check_run = check_run_now(snapshot=snapshot)
    risk_run_now(snapshot=snapshot)
    write(f"  contingent, NOBD snapshot #{snapshot.pk}, check run #{check_run.pk}, risk run: {time.monotonic() - step:.1f} s")
    step = time.monotonic()
    lines = 0
    for month in SCHOOL_YEAR_MONTHS:
        lines += acts_build_month(month=month, actor=operator, today=BUILD_TODAY)["lines"]
    for month in PAID_MONTHS:
        _accept_month(month)
    approver, _ = User.objects.get_or_create(username="bench-approver", defaults={"role": Role.OPERATOR})
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO payments_payment (act_id, status, accepted_amount, offset_amount, amount, payee_bin, payee_name,
                                          payee_iban, purpose, prepared_by_id, prepared_at, approved_by_id, approved_at,
                                          bank_reference, paid_on, status_reason, updated_at)
            SELECT a.id, 'paid', a.accepted_amount, 0, a.accepted_amount, s.bin, s.name_ru, 'KZ75125KZT1001300335',
                   'bench', %(preparer)s, now(), %(approver)s, now(), 'BENCH-' || a.id, a.period_end + 10, '', now()
              FROM acts_act a JOIN schools_school s ON s.id = a.school_id
             WHERE a.month = ANY(%(months)s) AND a.status = 'accepted'
            """,
            {"preparer": operator.pk, "approver": approver.pk, "months": PAID_MONTHS},
        )
        payments = cursor.rowcount
        for table in ("acts_act", "acts_actline", "payments_payment", "checks_finding", "risk_riskflag", "core_auditevent"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    write(f"  acts of {len(SCHOOL_YEAR_MONTHS)} months: {lines:,} lines; {payments:,} payments: "
          f"{time.monotonic() - step:.1f} s")


# --- measurement ---------------------------------------------------------------------------------


@dataclass
class Target:
    """One list: its API endpoint and page, its floor table, the selector that orders it like the page,
    and its heaviest filter."""

    name: str
    api: str
    page: str | None
    floor: str
    heavy: str
    export: bool = False
    same_order: bool = False  # the page orders its rows as the API does: the API's cursor opens a deep page of it


TARGETS = [
    Target("enrolments", "/api/v1/enrolments/", "/kk/contingent/", "enrolments",
           "active_on=2025-11-20&has_findings=true", export=True, same_order=True),
    Target("acts", "/api/v1/acts/", "/kk/acts/", "acts", "status=accepted&month=2025-10", same_order=True),
    Target("act lines", "/api/v1/act-lines/", None, "act-lines", "decision=accepted"),
    Target("findings", "/api/v1/findings/", "/kk/checks/findings/", "findings", "status=open&code=S04", export=True),
    Target("payments", "/api/v1/payments/", "/kk/payments/payments/", "payments", "status=paid", same_order=True),
    Target("audit events", "/api/v1/audit-events/", "/kk/oversight/audit/", "audit-events", "action={action}",
           export=True),
    Target("risk flags", "/api/v1/risk-flags/", "/kk/risk/flags/", "risk-flags", "status=open", export=True),
]


def _timed(client: Client, url: str, requests: int) -> tuple[float, float, int, int, int]:
    """p50 and p95 in ms over ``requests`` requests, the query count of one, the status and the body size."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    queries = len(captured.captured_queries)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(url)
        if answer.streaming:
            for _chunk in answer.streaming_content:
                pass
        times.append((time.perf_counter() - started) * 1000)
    reset_queries()
    times.sort()
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
    return statistics.median(times), p95, queries, response.status_code, len(body)


def _deep_cursor(user, api: str) -> str | None:
    """The cursor of the row in the middle of the API list as ``user`` sees it (found once, untimed, with
    the view's own queryset): the page after it is a deep page."""
    from django.urls import resolve
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from core.pagination import _key_values, encode_cursor, ordering_keys

    match = resolve(api)
    view = match.func.cls(**match.func.initkwargs)
    view.action_map, view.action, view.args, view.kwargs, view.format_kwarg = match.func.actions, "list", (), {}, None
    view.request = Request(APIRequestFactory().get(api))
    view.request.user = user
    queryset = view.filter_queryset(view.get_queryset())
    keys = ordering_keys(queryset)
    total = queryset.count()
    if keys is None or total < 100:
        return None
    row = queryset[total // 2]
    return encode_cursor(keys, _key_values(queryset, keys, [row])[row.pk], backwards=False)


def _users():
    from django.db.models import Count

    from accounts.models import User
    from contingent.models import Enrolment
    from core.roles import Role
    from schools.models import School

    operator = User.objects.get(username="bench-officer")
    biggest = Enrolment.objects.values("school_id").order_by().annotate(n=Count("id")).order_by("-n").first()
    school = School.objects.get(pk=biggest["school_id"])
    department, _ = User.objects.get_or_create(username="bench-department",
                                               defaults={"role": Role.DEPARTMENT, "region": school.region})
    school_user, _ = User.objects.get_or_create(username="bench-school", defaults={"role": Role.SCHOOL, "school": school})
    return {"operator": operator, "department": department, "school": school_user}, school


def measure(*, requests: int, write) -> bool:
    import logging

    from django.db.models import Count

    from acts.models import Act
    from core.models import AuditEvent

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 403s of lists a role may not read are expected
    users, big_school = _users()
    common = AuditEvent.objects.values("action").order_by().annotate(n=Count("id")).order_by("-n").first()
    action = common["action"] if common else "none"
    ok = True
    rows = []
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["*"], DEBUG=False):
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            for target in TARGETS:
                floor_p50, floor_p95, floor_q, _status, _size = _timed(client, f"/bench-floor/{target.floor}/", requests)
                rows.append((role, target.name, "floor: SELECT … LIMIT 50", floor_p50, floor_p95, floor_q, 200, 1.0))
                heavy = target.heavy.format(action=action)
                variants = [("API first page", target.api), ("API heaviest filter", f"{target.api}?{heavy}")]
                cursor = _deep_cursor(user, target.api)
                if cursor:
                    variants.append(("API deep page (cursor)", f"{target.api}?cursor={cursor}"))
                if target.page:
                    variants += [("page first", target.page), ("page heaviest filter", f"{target.page}?{heavy}")]
                    if cursor and target.same_order:
                        variants.append(("page deep page (cursor)", f"{target.page}?cursor={cursor}"))
                    if target.export:
                        variants.append(("page export CSV", f"{target.page}?export=csv"))
                for label, url in variants:
                    count = 1 if "export" in label else requests
                    p50, p95, queries, status, _size = _timed(client, url, count)
                    ratio = p50 / floor_p50 if floor_p50 else float("inf")
                    rows.append((role, target.name, label, p50, p95, queries, status, ratio))
                    if status == 200 and "export" not in label and p95 > TARGET_LIST_MS:
                        ok = False
        write("")
        write(f"{'role':<10} {'list':<13} {'variant':<26} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'status':>6} "
              f"{'× floor':>8}")
        for role, name, label, p50, p95, queries, status, ratio in rows:
            write(f"{role:<10} {name:<13} {label:<26} {p50:8.1f} {p95:8.1f} {queries:7d} {status:6d} {ratio:8.1f}")
        write("")
        client = Client()
        client.force_login(users["operator"])
        act = Act.objects.order_by("-line_count", "id").first()
        for label, url in [(f"act #{act.pk} ({act.line_count} lines)", f"/kk/acts/{act.pk}/"),
                           (f"school #{big_school.pk} dossier", f"/kk/schools/{big_school.pk}/")]:
            p50, p95, queries, status, size = _timed(client, url, max(requests // 2, 3))
            write(f"detail {label:<40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {queries} queries  {size / 1024:.0f} KB "
                  f"(status {status}) [target < {TARGET_DETAIL_MS} ms]")
            ok &= status == 200 and p95 < TARGET_DETAIL_MS
        # The home pages: each role's work list and charts over everything it sees (composite pages, like the details).
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            p50, p95, queries, status, size = _timed(client, "/kk/", max(requests // 2, 3))
            write(f"home   {role:<40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {queries} queries  {size / 1024:.0f} KB "
                  f"(status {status}) [target < {TARGET_DETAIL_MS} ms]")
            ok &= status == 200 and p95 < TARGET_DETAIL_MS
    write(f"targets (list p95 ≤ {TARGET_LIST_MS} ms, detail and home < {TARGET_DETAIL_MS} ms): {'PASS' if ok else 'MISSED'}")
    return ok
