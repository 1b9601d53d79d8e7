"""Benchmark: build the acts of every private school of the country for one month.

``run(stdout, schools=850, lines=600_000)`` generates, in the database the caller provides (never
the development one), ``schools`` private schools with active contracts (every level funded) and
``lines`` enrolments spread over them — mid-month arrivals and departures and SEN pupils included —
then times ``acts_build_month`` (one set-based ``INSERT … SELECT``) for October 2025 and checks the
result against an independent count. Target: ≤ 30 s for 850 schools and 600 000 lines.

Generation is set-based too (``generate_series``); a second run in the same database reuses the
generated data and only rebuilds the acts.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

TARGET_SECONDS = 30
MONTH = dt.date(2025, 10, 1)
TODAY = dt.date(2025, 11, 3)
SCHOOL_YEAR = 2025
BIN_PREFIX = "99"  # bench schools and pupils are told apart by a prefix real ones cannot have
NORMS = {"primary": Decimal("95000.00"), "basic": Decimal("110000.00"), "general": Decimal("125500.00")}


def _say(stdout, text: str) -> None:
    stdout.write(text + "\n")
    if hasattr(stdout, "flush"):
        stdout.flush()


def _users():
    from accounts.models import User

    operator, _ = User.objects.get_or_create(username="bench_operator", defaults={"role": "operator"})
    return operator


def _generate(stdout, *, schools: int, lines: int, operator) -> None:
    from core.identifiers import make_bin
    from core.models import Region
    from orders.models import Application, Contract, ContractLevel, StateOrder, StateOrderLevel
    from schools.models import School

    regions = list(Region.objects.order_by("code"))
    tz = timezone.get_current_timezone()
    started = time.monotonic()
    with transaction.atomic():
        orders = {}
        for region in regions:
            order = StateOrder.objects.create(
                region=region, school_year=SCHOOL_YEAR, programme_code="BENCH-099", title="Benchmark",
                budget=Decimal("99999999999.00"), sen_coefficient=Decimal("1.50"),
                applications_open_at=dt.datetime(SCHOOL_YEAR, 6, 1, tzinfo=tz),
                applications_close_at=dt.datetime(SCHOOL_YEAR, 7, 1, tzinfo=tz),
                service_start=dt.date(SCHOOL_YEAR, 9, 1), service_end=dt.date(SCHOOL_YEAR + 1, 5, 31),
                status="published", created_by=operator,
            )
            StateOrderLevel.objects.bulk_create(
                [StateOrderLevel(order=order, level=level, places=100_000, monthly_norm=norm) for level, norm in NORMS.items()])
            orders[region.code] = order
        bins, serial = [], 1
        while len(bins) < schools:
            value = make_bin(99, 1, serial)
            serial += 1
            if value:
                bins.append(value)
        created = School.objects.bulk_create([
            School(bin=value, name_kk=f"Бенчмарк мектебі {n + 1}", name_ru=f"Школа бенчмарка {n + 1}",
                   region=regions[n % len(regions)], oked="85.31", capacity=2000)
            for n, value in enumerate(bins)
        ])
        applications = Application.objects.bulk_create([
            Application(order=orders[school.region_id], school=school, status="approved", submitted_at=timezone.now(),
                        submitted_by=operator)
            for school in created
        ])
        contracts = Contract.objects.bulk_create([
            Contract(number=f"BENCH-{n + 1:05d}", order=app.order, school=app.school, application=app, status="active",
                     period_start=dt.date(SCHOOL_YEAR, 9, 1), period_end=dt.date(SCHOOL_YEAR + 1, 5, 31),
                     months=9, total_amount=Decimal("0"))
            for n, app in enumerate(applications)
        ])
        ContractLevel.objects.bulk_create([
            ContractLevel(contract=contract, level=level, places=2000, monthly_norm=norm)
            for contract in contracts for level, norm in NORMS.items()
        ])
        school_ids = [school.pk for school in created]
        with connection.cursor() as cursor:
            # Pupils: IIN 99 + 10 digits (a 1899 birth century digit no real pupil has). ``lines`` of them are
            # billed in October; 2 % more are not (left in September or arriving in November).
            cursor.execute(
                """
                INSERT INTO contingent_pupil (iin, last_name, first_name, middle_name, birth_date, created_at, updated_at)
                SELECT %(prefix)s || lpad(i::text, 10, '0'), 'Оқушы', 'Бенчмарк ' || i, '',
                       date '2012-01-01' + (i %% 3650)::int, now(), now()
                  FROM generate_series(1, %(all)s) AS i
                """,
                {"prefix": BIN_PREFIX, "all": lines + lines // 50},
            )
            # Enrolments spread over the schools: ~4 %% arrive during October, ~3 %% leave during it, ~3 %% SEN.
            cursor.execute(
                """
                INSERT INTO contingent_enrolment (school_id, pupil_id, grade, category, enrolled_on, left_on, created_at, updated_at)
                SELECT (%(schools)s::bigint[])[1 + (n %% cardinality(%(schools)s::bigint[]))], p.id, n %% 12,
                       CASE WHEN n %% 33 = 0 THEN 'sen' ELSE 'regular' END,
                       CASE WHEN n > %(lines)s AND n %% 2 = 0 THEN date '2025-11-04'
                            WHEN n %% 25 = 1 AND n <= %(lines)s THEN date '2025-10-01' + (n %% 28)::int
                            ELSE date '2025-09-01' END,
                       CASE WHEN n > %(lines)s AND n %% 2 = 1 THEN date '2025-09-20'
                            WHEN n %% 33 = 2 AND n %% 25 <> 1 AND n <= %(lines)s THEN date '2025-10-01' + (n %% 30)::int
                            ELSE NULL END,
                       now(), now()
                  FROM (SELECT id, substr(iin, 3)::bigint AS n FROM contingent_pupil WHERE iin LIKE %(like)s) p
                """,
                {"schools": school_ids, "like": BIN_PREFIX + "%", "lines": lines},
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contingent_pupil; ANALYZE contingent_enrolment; ANALYZE orders_contract; "
                       "ANALYZE orders_contractlevel; ANALYZE schools_school")
    _say(stdout, f"  generated {schools} schools, contracts and {lines} enrolments in {time.monotonic() - started:.1f} s")


def _expected_lines() -> int:
    """How many lines the month should have, counted independently of the build's SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM contingent_enrolment e JOIN orders_contract c ON c.school_id = e.school_id
             WHERE c.number LIKE 'BENCH-%%' AND e.enrolled_on <= %(end)s AND (e.left_on IS NULL OR e.left_on >= %(start)s)
            """,
            {"start": MONTH, "end": dt.date(2025, 10, 31)},
        )
        return cursor.fetchone()[0]


def run(stdout, *, schools: int = 850, lines: int = 600_000) -> dict:
    """Generate (once) and time the build of one month's acts for every school. Returns the figures."""
    from acts.models import Act
    from acts.services import acts_build_month

    _say(stdout, f"payments: acts of {schools} schools, {lines} enrolments, month {MONTH:%Y-%m}")
    operator = _users()
    from orders.models import Contract

    if not Contract.objects.filter(number__startswith="BENCH-").exists():
        _generate(stdout, schools=schools, lines=lines, operator=operator)
    else:
        _say(stdout, "  reusing the generated data")
        Act.objects.filter(contract__number__startswith="BENCH-", month=MONTH).delete()
    expected = _expected_lines()
    started = time.monotonic()
    result = acts_build_month(month=MONTH, actor=operator, today=TODAY)
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(total_amount), 0), coalesce(sum(line_count), 0) FROM acts_act WHERE month = %s",
            [MONTH],
        )
        acts, total, counted = cursor.fetchone()
        cursor.execute("SELECT coalesce(sum(amount), 0) FROM acts_actline l JOIN acts_act a ON a.id = l.act_id "
                       "WHERE a.month = %s", [MONTH])
        lines_sum = cursor.fetchone()[0]
    ok = result["lines"] == expected == counted and total == lines_sum and seconds <= TARGET_SECONDS
    figures = {"acts": acts, "lines": result["lines"], "expected_lines": expected, "total": total,
               "seconds": round(seconds, 2), "target_seconds": TARGET_SECONDS, "ok": ok}
    _say(stdout, f"  built {acts} acts, {result['lines']} lines (expected {expected}), total {total} KZT "
                 f"in {seconds:.2f} s ({result['lines'] / max(seconds, 1e-9):,.0f} lines/s); "
                 f"act totals = sum of lines: {total == lines_sum}")
    _say(stdout, f"  target ≤ {TARGET_SECONDS} s: {'PASS' if ok else 'FAIL'}")
    return figures
