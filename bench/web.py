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
from django.utils import timezone

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
    step = time.monotonic()
    events = audit_history(operator=operator)
    write(f"  audit trail: {events:,} events of the past years: {time.monotonic() - step:.1f} s")


AUDIT_PER_ENROLMENT = 3  # enrolled, changed, left: over the years of a pupil's schooling
AUDIT_PER_ACT = 20  # built, rebuilt, submitted, lines decided, accepted, paid… over its versions
AUDIT_SIGN_INS_PER_SCHOOL = 300


def audit_history(*, operator) -> int:
    """The audit trail of the years before the benchmark's own events: for every enrolment three events,
    for every act twenty, for every school 300 sign-ins (≈ 2.3 M at national size). Written in one
    INSERT … SELECT with the chain's trigger switched off for the load (``session_replication_role``, as a
    restore does: needs the superuser session the embedded server gives) — the trigger appends about a
    thousand events a second, hours for millions. The events take negative ``seq`` numbers and past dates,
    before the genesis of the benchmark's own chain, and carry no hashes: ``verify_audit`` would refuse
    this database, which is the benchmark's alone. The regions and schools of their subjects are then recorded set-based
    (``core.audit_places.fill_places``), as the migration that introduced them did."""
    from django.contrib.contenttypes.models import ContentType

    from acts.models import Act
    from contingent.models import Enrolment
    from core.audit_places import fill_places
    from schools.models import School

    types = {model: ContentType.objects.get_for_model(model).pk for model in (Enrolment, Act, School)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        role = cursor.fetchone()[0]
        cursor.execute("SET ROLE NONE")  # the session user (RESET ROLE would keep the connection's role option)
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(
                """
                INSERT INTO core_auditevent (created_at, actor_id, action, content_type_id, object_id, from_status,
                                             to_status, reason, data, seq, prev_hash, hash)
                SELECT timestamptz '2025-08-31 23:00:00+00' - n * interval '7 seconds', actor, action, type, object_id,
                       '', '', '', '{}'::jsonb, -n, '', ''
                  FROM (SELECT row_number() OVER () AS n, h.* FROM (
                          SELECT NULL::bigint AS actor,
                                 (ARRAY['enrolment_added', 'enrolment_updated', 'enrolment_left'])[k] AS action,
                                 %(enrolment)s AS type, e.id::text AS object_id
                            FROM contingent_enrolment e, generate_series(1, %(per_enrolment)s) AS k
                          UNION ALL
                          SELECT %(operator)s, (ARRAY['act_built', 'act_submitted', 'act_lines_decided', 'act_accepted',
                                                      'act_paid'])[1 + k %% 5], %(act)s, a.id::text
                            FROM acts_act a, generate_series(1, %(per_act)s) AS k
                          UNION ALL
                          SELECT %(operator)s, 'signed_in', %(school)s, s.id::text
                            FROM schools_school s, generate_series(1, %(sign_ins)s) AS k
                        ) AS h) AS numbered
                """,
                {"enrolment": types[Enrolment], "act": types[Act], "school": types[School], "operator": operator.pk,
                 "per_enrolment": AUDIT_PER_ENROLMENT, "per_act": AUDIT_PER_ACT, "sign_ins": AUDIT_SIGN_INS_PER_SCHOOL},
            )
            events = cursor.rowcount
        finally:
            cursor.execute("SET session_replication_role = origin")
            cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")
    # The regions and schools of their subjects, as every writer of events records them (the trail reads them).
    fill_places(seq_to=-1)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE core_auditevent")
        cursor.execute("VACUUM ANALYZE core_auditeventregion")
        cursor.execute("VACUUM ANALYZE core_auditeventschool")
    return events


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
    export_filter: str = ""  # what the export must be narrowed by (the audit trail's: at most 366 days)
    same_order: bool = False  # the page orders its rows as the API does: the API's cursor opens a deep page of it
    narrow: str = ""  # a second filter as heavy, of another index (the audit trail narrowed to one school)


TARGETS = [
    Target("enrolments", "/api/v1/enrolments/", "/kk/contingent/", "enrolments",
           "active_on=2025-11-20&has_findings=true", export=True, same_order=True),
    Target("acts", "/api/v1/acts/", "/kk/acts/", "acts", "status=accepted&month=2025-10", same_order=True),
    Target("act lines", "/api/v1/act-lines/", None, "act-lines", "act={act}&blocked=false&ordering=-amount"),
    Target("pupil's lines", "/api/v1/act-lines/?iin={iin}", None, "act-lines", "decision=accepted&ordering=-amount"),
    Target("findings", "/api/v1/findings/", "/kk/checks/findings/", "findings", "status=open&code=S04", export=True),
    Target("payments", "/api/v1/payments/", "/kk/payments/payments/", "payments", "status=paid", same_order=True),
    Target("audit events", "/api/v1/audit-events/", "/kk/oversight/audit/", "audit-events", "action={action}",
           export=True, export_filter="date_from={year_ago}", narrow="school={school}"),
    Target("risk flags", "/api/v1/risk-flags/", "/kk/risk/flags/", "risk-flags", "status=open", export=True),
]


def _timed(client: Client, url: str, requests: int) -> tuple[float, float, int, int, int, float]:
    """p50 and p95 in ms over ``requests`` requests, the query count of one, the status, the body size and the
    median CPU time of this process per request (Python's share, which other processes' load hardly changes)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    queries = len(captured.captured_queries)
    times, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        answer = client.get(url)
        if answer.streaming:
            for _chunk in answer.streaming_content:
                pass
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    reset_queries()
    times.sort()
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
    return statistics.median(times), p95, queries, response.status_code, len(body), statistics.median(cpu)


def _other_lists() -> list[tuple[str, str]]:
    """Every other list endpoint of the API (a GET without a path parameter, from the OpenAPI schema) with the
    model it lists (its floor: a bare ``SELECT … LIMIT 50`` of that table)."""
    from django.urls import resolve
    from drf_spectacular.generators import SchemaGenerator

    big = {target.api.partition("?")[0] for target in TARGETS}
    found = []
    for path, operations in sorted(SchemaGenerator().get_schema(request=None, public=True)["paths"].items()):
        if "get" not in operations or "{" in path or not path.startswith("/api/v1/") or path in big:
            continue
        cls = getattr(resolve(path).func, "cls", None)
        serializer = getattr(cls, "serializer_class", None)
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if model is not None and getattr(resolve(path).func, "actions", {}).get("get") == "list":
            found.append((path, model._meta.label))
    return found


def _more_lines(client: Client, act) -> str:
    """The query string of the act page's "Show more lines" link (the second page of its lines)."""
    import html
    import re

    page = client.get(f"/kk/acts/{act.pk}/").content.decode()
    found = re.search(r'data-testid="more-lines".*?hx-get="[^"?]*\?([^"]+)"', page, re.DOTALL)
    return html.unescape(found.group(1)) if found else ""


def _deep_cursor(user, api: str) -> str | None:
    """The cursor of the row in the middle of the API list as ``user`` sees it (found once, untimed, with
    the view's own queryset): the page after it is a deep page."""
    from django.urls import resolve
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from core.pagination import _key_values, encode_cursor, ordering_keys

    match = resolve(api.partition("?")[0])
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

    from acts.models import Act, ActLine
    from core.garbage import tune_for_requests
    from core.models import AuditEvent

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 403s of lists a role may not read are expected
    users, big_school = _users()
    # Measured as the portal is served: eqazyna.wsgi tunes each gunicorn worker's garbage collector the same way.
    write(f"garbage collector as served (core.garbage): {'tuned' if tune_for_requests() else 'defaults (GC_TUNING=0)'}")
    common = AuditEvent.objects.values("action").order_by().annotate(n=Count("id")).order_by("-n").first()
    their_act = Act.objects.filter(school=big_school).order_by("-line_count", "id").first()  # seen by all three roles
    fill = {"action": common["action"] if common else "none", "act": their_act.pk if their_act else 0,
            "iin": ActLine.objects.filter(act=their_act).values_list("iin", flat=True).first() or "000000000000",
            "year_ago": (timezone.localdate() - dt.timedelta(days=365)).isoformat(), "school": big_school.pk}
    ok = True
    rows = []
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["*"], DEBUG=False):
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            for target in TARGETS:
                floor_p50, floor_p95, floor_q, _status, _size, floor_cpu = _timed(client, f"/bench-floor/{target.floor}/",
                                                                                   requests)
                rows.append((role, target.name, "floor: SELECT … LIMIT 50", floor_p50, floor_p95, floor_q, 200, 1.0,
                             floor_cpu))
                api, heavy = target.api.format(**fill), target.heavy.format(**fill)
                join = "&" if "?" in api else "?"
                variants = [("API first page", api), ("API heaviest filter", f"{api}{join}{heavy}")]
                narrow = target.narrow.format(**fill)
                if narrow:
                    variants.append(("API one school", f"{api}{join}{narrow}"))
                cursor = _deep_cursor(user, api)
                if cursor:
                    variants.append(("API deep page (cursor)", f"{api}{join}cursor={cursor}"))
                if target.page:
                    variants += [("page first", target.page), ("page heaviest filter", f"{target.page}?{heavy}")]
                    if narrow:
                        variants.append(("page one school", f"{target.page}?{narrow}"))
                    if cursor and target.same_order:
                        variants.append(("page deep page (cursor)", f"{target.page}?cursor={cursor}"))
                    if target.export:
                        narrowed = f"&{target.export_filter.format(**fill)}" if target.export_filter else ""
                        variants.append(("page export CSV", f"{target.page}?export=csv{narrowed}"))
                for label, url in variants:
                    count = 1 if "export" in label else requests
                    p50, p95, queries, status, _size, cpu = _timed(client, url, count)
                    ratio = p50 / floor_p50 if floor_p50 else float("inf")
                    rows.append((role, target.name, label, p50, p95, queries, status, ratio, cpu))
                    if status == 200 and "export" not in label and p95 > TARGET_LIST_MS:
                        ok = False
        others = _other_lists()
        for role, user in users.items():  # every other list endpoint: its first page
            client = Client()
            client.force_login(user)
            for path, label in others:
                floor_p50 = _timed(client, f"/bench-floor/{label}/", requests)[0]
                p50, p95, queries, status, _size, cpu = _timed(client, path, requests)
                rows.append((role, path.removeprefix("/api/v1/").rstrip("/")[:24], "API first page", p50, p95, queries,
                             status, p50 / floor_p50 if floor_p50 else float("inf"), cpu))
                if status == 200 and p95 > TARGET_LIST_MS:
                    ok = False
        write("")
        write(f"{'role':<10} {'list':<24} {'variant':<26} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'status':>6} "
              f"{'× floor':>8} {'CPU ms':>7}")
        for role, name, label, p50, p95, queries, status, ratio, cpu in rows:
            write(f"{role:<10} {name:<24} {label:<26} {p50:8.1f} {p95:8.1f} {queries:7d} {status:6d} {ratio:8.1f} "
                  f"{cpu:7.1f}")
        write("")
        client = Client()
        client.force_login(users["operator"])
        act = Act.objects.order_by("-line_count", "id").first()
        floor_p50 = _timed(client, "/bench-floor/act-lines/", requests)[0]
        for label, url in [(f"act #{act.pk} ({act.line_count} lines)", f"/kk/acts/{act.pk}/"),
                           (f"act #{act.pk}: the next lines (HTMX)", f"/kk/acts/{act.pk}/lines/?{_more_lines(client, act)}"),
                           (f"school #{big_school.pk} dossier", f"/kk/schools/{big_school.pk}/")]:
            p50, p95, queries, status, size, cpu = _timed(client, url, max(requests // 2, 3))
            write(f"detail {label:<40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {queries} queries  {size / 1024:.0f} KB "
                  f"CPU {cpu:.1f} ms  {p50 / floor_p50:.1f} × floor (status {status}) [target < {TARGET_DETAIL_MS} ms]")
            ok &= status == 200 and p95 < TARGET_DETAIL_MS
        # The home pages: each role's work list and charts over everything it sees (composite pages, like the details).
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            p50, p95, queries, status, size, cpu = _timed(client, "/kk/", max(requests // 2, 3))
            write(f"home   {role:<40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {queries} queries  {size / 1024:.0f} KB "
                  f"CPU {cpu:.1f} ms  {p50 / floor_p50:.1f} × floor (status {status}) [target < {TARGET_DETAIL_MS} ms]")
            ok &= status == 200 and p95 < TARGET_DETAIL_MS
    write(f"targets (list p95 ≤ {TARGET_LIST_MS} ms, detail and home < {TARGET_DETAIL_MS} ms): {'PASS' if ok else 'MISSED'}")
    return ok
