"""Running the national-scale benchmark (``manage.py bench``) on its own database.

Times, on the same database in the same run:

* the bulk contingent load (about 600 k rows) through ``import_contingent``'s code path;
* the *floor*: a raw ``COPY`` of the NOBD file into an unlogged table plus one set-based
  statement (the active contingent anti-joined with it: enrolments NOBD does not show at
  their school on D) — the least any import-and-check could do;
* ``nobd_import`` of 30 daily national-size snapshots ending on D (``bench.history``: 0.5 % of the
  rows change each day), the storage of the NOBD history after the first and after the last, and
  the last import — the nightly one, against the previous night's snapshot;
* ``run_checks`` and ``run_risk`` on the snapshot of D;

then prints each time, (import + checks) / floor, run_risk / floor, the storage ratio, the peak RSS
of this process and its children (PostgreSQL runs as its own server processes and is not counted),
and whether the findings and the risk flags are exactly the planted ones.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import time
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from bench.cpu import Meter
from bench.data import DATA_VERSION, Generated, Plan, generate
from bench.history import DailyFiles
from contingent.history import HISTORY_TABLE
from contingent.rules import active_on_sql, nobd_active_on_sql

TARGET_RATIO = 3.0
TARGET_STORAGE_RATIO = 1.5
TARGET_RISK_RATIO = 1.0
TARGET_RSS_MB = 300
TARGET_CONTINGENT_SECONDS = 60.0
FLOOR_TABLE = "bench_floor_nobd"


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def reset_database() -> None:
    """Empty what the benchmark fills (its own database only).

    Truncating schools cascades to users and so to the audit trail, which the portal's role may not
    truncate: the reset runs as the database administrator, telling the audit guard it may."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE NONE")
        cursor.execute("SET LOCAL eqazyna.audit_truncate = 'allow'")
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'contingent\\_nobdstage\\_%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP TABLE {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute("TRUNCATE contingent_nobdhistory")
        cursor.execute(
            "TRUNCATE risk_riskscore, risk_riskflagevidence, risk_riskflagschool, risk_riskflag, risk_riskrun, "
            "payments_payment, acts_act, schools_schoolchange, "
            "checks_finding, checks_checkrun, contingent_enrolment, contingent_pupil, contingent_contingentimport, "
            "contingent_nobdsnapshot, orders_contractlevel, orders_contract, orders_applicationlevel, orders_application, "
            "orders_stateorderlevel, orders_stateorder, schools_licence, schools_school CASCADE"
        )


def create_schools(generated: Generated) -> None:
    """The private schools of the portal with capacities, and their contracts (with places per level)."""
    from accounts.models import User
    from core.calendar import month_count
    from core.models import Region
    from core.roles import Role
    from orders.models import Application, Contract, ContractLevel, StateOrder
    from schools.models import Licence, School

    officer, _ = User.objects.get_or_create(username="bench-officer", defaults={"role": Role.OPERATOR})
    School.objects.bulk_create([
        School(bin=item["bin"], name_kk=f"Мектеп {item['bin']}", name_ru=f"Школа {item['bin']}", region_id=item["region"],
               oked="85.31", capacity=item["capacity"]) for item in generated.schools
    ], batch_size=2000)
    # Every benchmark school is licensed for every level, with an education OKED and no register entry:
    # S01–S03 have nothing to find, so any finding of those codes would be a false one.
    Licence.objects.bulk_create([
        Licence(bin=item["bin"], number=f"BENCH-{item['bin']}", issued_on=dt.date(2018, 1, 10),
                levels=["primary", "basic", "general"], status="active") for item in generated.schools
    ], batch_size=2000)
    schools = {school.bin: school for school in School.objects.all()}
    now = timezone.now()
    orders = {}
    for code in sorted({item["region"] for item in generated.schools}):
        orders[code] = StateOrder.objects.create(
            region=Region.objects.get(code=code), school_year=2025, programme_code="099", title="Bench",
            budget=Decimal("1000000000.00"), applications_open_at=now - dt.timedelta(days=120),
            applications_close_at=now - dt.timedelta(days=100), service_start=dt.date(2025, 9, 1),
            service_end=dt.date(2026, 5, 31), status="published", created_by=officer,
        )
    number = 0
    for item in generated.schools:
        for contract in item["contracts"]:
            number += 1
            school = schools[item["bin"]]
            application = Application.objects.create(order=orders[item["region"]], school=school, status="approved",
                                                     submitted_at=now - dt.timedelta(days=110, seconds=number),
                                                     submitted_by=officer)
            created = Contract.objects.create(
                number=f"BENCH-{number:05d}", order=orders[item["region"]], school=school, application=application,
                status=contract["status"], period_start=dt.date.fromisoformat(contract["start"]),
                period_end=dt.date.fromisoformat(contract["end"]), total_amount=Decimal("0.00"),
                months=min(12, month_count(dt.date.fromisoformat(contract["start"]), dt.date.fromisoformat(contract["end"]))),
            )
            ContractLevel.objects.bulk_create([
                ContractLevel(contract=created, level=level, places=places, monthly_norm=Decimal("100000.00"))
                for level, places in contract["places"].items()
            ])


def plant_unvalidated_data(generated: Generated) -> None:
    """P01 cannot come through an importer: edit the loaded pupils as if the data predated validation."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE contingent_pupil SET birth_date = birth_date + 1 WHERE iin = ANY(%s)", [generated.plant_birth_shift])
        cursor.execute(
            "UPDATE contingent_pupil SET iin = left(iin, 11) || ((right(iin, 1)::integer + 1) %% 10)::text WHERE iin = ANY(%s)",
            [generated.plant_bad_check_digit],
        )


def floor(generated: Generated, check_date: dt.date) -> tuple[float, float]:
    """Raw COPY into an unlogged table, then one set-based statement; return both times."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(f"CREATE UNLOGGED TABLE {FLOOR_TABLE} (iin text, last_name text, first_name text, middle_name text, "
                       f"birth_date text, school_bin text, grade text, enrolled_on text, left_on text)")
        started = time.monotonic()
        with open(generated.nobd_path, "rb") as handle:
            handle.readline()
            cursor.copy_expert(f"COPY {FLOOR_TABLE} FROM STDIN WITH (FORMAT csv)", handle, 1 << 20)
        copied = time.monotonic() - started
        started = time.monotonic()
        day = check_date.isoformat()
        cursor.execute(f"""
            SELECT count(*) FROM contingent_enrolment e
              JOIN contingent_pupil p ON p.id = e.pupil_id
              JOIN schools_school s ON s.id = e.school_id
             WHERE {active_on_sql("e", "%s::date")}
               AND NOT EXISTS (SELECT 1 FROM {FLOOR_TABLE} r
                                WHERE r.iin = p.iin AND r.school_bin = s.bin AND {nobd_active_on_sql("r", "%s::text")})""",
                       [check_date, check_date, day, day])
        cursor.fetchone()
        statement = time.monotonic() - started
        cursor.execute(f"DROP TABLE {FLOOR_TABLE}")
    return copied, statement


def found_findings(run) -> set[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT f.code, s.bin, coalesce(p.iin, f.level, '')
              FROM checks_finding f
              JOIN schools_school s ON s.id = f.school_id
              LEFT JOIN contingent_enrolment e ON e.id = f.enrolment_id
              LEFT JOIN contingent_pupil p ON p.id = e.pupil_id
             WHERE f.last_run_id = %s AND f.status IN ('open', 'explained')""", [run.pk])
        return {(code, school, subject or "") for code, school, subject in cursor.fetchall()}


def history_size() -> int:
    """Bytes the NOBD history takes on disk: the table, its indexes and TOAST."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s)", [HISTORY_TABLE])
        return cursor.fetchone()[0]


def vacuum_history() -> None:
    """What autovacuum does between two nights (the table's settings start it after each import): the space
    of the rows an import closed becomes reusable."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {HISTORY_TABLE}")


def plant_payments(generated: Generated, check_date: dt.date) -> set[str]:
    """R04: payments of a few schools approved soon after their IBAN changed, next to traps; the subjects expected."""
    from accounts.models import User
    from acts.models import Act
    from core.roles import Role
    from orders.models import Contract
    from payments.models import Payment
    from schools.models import School

    preparer, _ = User.objects.get_or_create(username="bench-officer", defaults={"role": Role.OPERATOR})
    approver, _ = User.objects.get_or_create(username="bench-approver", defaults={"role": Role.OPERATOR})
    contracts = list(Contract.objects.filter(status="active").select_related("school").order_by("school__bin")[:12])
    changed = timezone.make_aware(dt.datetime.combine(check_date - dt.timedelta(days=40), dt.time(10)))
    approvals = [dt.timedelta(days=30, seconds=-1), dt.timedelta(days=30), dt.timedelta(seconds=-1)]  # flag, trap, trap
    expected = set()
    for number, contract in enumerate(contracts):
        school = contract.school
        iban_before, iban_after = f"KZ{number:02d}125KZT1001300{number:03d}", f"KZ{number:02d}125KZT2001300{number:03d}"
        School.objects.filter(pk=school.pk).update(iban=iban_after)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO schools_schoolchange (bin, kind, subject, before, after, source, changed_at) "
                           "VALUES (%s, 'bank_account', '', %s::jsonb, %s::jsonb, 'profile', %s)",
                           [school.bin, json.dumps({"iban": iban_before}), json.dumps({"iban": iban_after}), changed])
        act = Act.objects.create(contract=contract, school=school, month=dt.date(2025, 10, 1), status="accepted",
                                 total_amount=Decimal("1000000.00"), accepted_amount=Decimal("1000000.00"),
                                 due_on=dt.date(2025, 11, 5), built_at=changed, built_by=preparer)
        payment = Payment.objects.create(
            act=act, status="approved", accepted_amount=act.accepted_amount, amount=act.accepted_amount, payee_bin=school.bin,
            payee_name=school.name_ru, payee_iban=iban_after, purpose="bench", prepared_by=preparer, approved_by=approver,
            approved_at=changed + approvals[number % 3])
        if number % 3 == 0:
            expected.add(f"payment:{payment.pk}")
    return expected


def risk_subjects(generated: Generated) -> set[str]:
    """The subject keys of the risk flags planted in the files (R01–R03, R05)."""
    from schools.models import School

    ids = dict(School.objects.values_list("bin", "id"))
    subjects = set()
    for code, key in generated.risk_expected:
        if code == "R01":
            subjects.add(f"R01 iin:{key}")
        elif code == "R02":
            school, month = key.split(":")
            subjects.add(f"R02 school:{ids[school]}:{month}")
        elif code == "R03":
            subjects.add(f"R03 school:{ids[key]}")
        elif code == "R05":
            subjects.add(f"R05 nobd:{key}")
    return subjects


def run_benchmark(*, plan: Plan, directory: Path, write, days: int = 30) -> bool:
    """Generate (or reuse) the data, time everything, print the figures; True when every target is met."""
    from checks.choices import CheckRunTrigger, FindingCode
    from checks.services import check_run_now
    from contingent.services.imports import contingent_import
    from contingent.services.nobd import nobd_import
    from risk.choices import RiskCode, RiskFlagStatus
    from risk.engine import risk_run_now
    from risk.models import RiskFlag

    scaled = plan.scaled()
    directory = directory / f"scale-{plan.scale:g}-seed-{plan.seed}-v{DATA_VERSION}"
    cache = directory / "plan.json"
    started = time.monotonic()
    if cache.exists():
        generated = Generated.from_json(json.loads(cache.read_text(encoding="utf-8")))
        write(f"data: reusing {directory}")
    else:
        generated = generate(plan, directory)
        write(f"data: generated in {time.monotonic() - started:.1f} s into {directory}")
    write(f"  contingent {generated.contingent_rows:,} rows in {len(generated.schools):,} private schools; "
          f"NOBD {generated.nobd_rows:,} rows ({scaled.state_schools:,} state schools); D = {scaled.check_date}")

    reset_database()
    create_schools(generated)

    started = time.monotonic()
    contingent_import(source=generated.contingent_path, school=None)
    contingent_seconds = time.monotonic() - started
    with transaction.atomic():
        plant_unvalidated_data(generated)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE contingent_pupil")
        cursor.execute("VACUUM ANALYZE contingent_enrolment")

    with Meter() as floor_meter:
        floor_copy, floor_statement = floor(generated, scaled.check_date)

    # The NOBD history: one snapshot a day up to D, each against the night before.
    daily = DailyFiles(generated, days=days, seed=plan.seed)
    write(f"NOBD history: {days} daily snapshots from {daily.date_of(0, scaled.check_date)} to {scaled.check_date}, "
          f"{daily.changed_per_day:,} rows ({100 * daily.changed_per_day / generated.nobd_rows:.1f} %) changing each day")
    history_started = time.monotonic()
    imports, first_size, snapshot, previous_snapshot = [], 0, None, None
    for day in range(days):
        path = daily.write_day(day, directory / "nobd-day.csv")
        started = time.monotonic()
        with Meter() as import_meter:
            previous_snapshot, snapshot = snapshot, nobd_import(path=path, taken_on=daily.date_of(day, scaled.check_date))
        imports.append(time.monotonic() - started)
        if path != generated.nobd_path:
            path.unlink()
        vacuum_history()
        if day == 0:
            first_size = history_size()
    history_seconds = time.monotonic() - history_started
    last_size = history_size()
    import_seconds = imports[-1]

    started = time.monotonic()
    with Meter() as checks_meter:
        run = check_run_now(trigger=CheckRunTrigger.COMMAND, snapshot=snapshot)
    checks_seconds = time.monotonic() - started

    expected_payments = plant_payments(generated, scaled.check_date)
    started = time.monotonic()
    with Meter() as risk_meter:
        risk_run = risk_run_now(snapshot=snapshot)
    risk_seconds = time.monotonic() - started

    # The floor once more after the import and the checks: the machine is shared, so the ratio
    # uses the mean of the two measurements (both are printed).
    with Meter() as floor_meter_2:
        floor_copy_2, floor_statement_2 = floor(generated, scaled.check_date)
    floor_seconds = (floor_copy + floor_statement + floor_copy_2 + floor_statement_2) / 2

    found = found_findings(run)
    in_scope = set(FindingCode.values)  # every code is judged: nothing but the planted anomalies may be found
    missing = generated.expected - found
    unexpected = {item for item in found - generated.expected if item[0] in in_scope}
    outside = {item for item in found if item[0] not in in_scope}
    ratio = (import_seconds + checks_seconds) / floor_seconds if floor_seconds else float("inf")
    risk_ratio = risk_seconds / floor_seconds if floor_seconds else float("inf")
    storage_ratio = last_size / first_size if first_size else float("inf")
    own_rss, children_rss = peak_rss_mb()
    flags = {f"{code} {subject}" for code, subject in RiskFlag.objects.filter(
        last_run=risk_run, status=RiskFlagStatus.OPEN).values_list("code", "subject_key")}
    planted_flags = risk_subjects(generated) | {f"R04 {subject}" for subject in expected_payments}

    def verdict(ok: bool) -> str:
        return "OK" if ok else "MISSED"

    mb = 1024 * 1024
    write("")
    write(f"contingent bulk load (import_contingent, {generated.contingent_rows:,} rows): {contingent_seconds:.1f} s "
          f"[target <= {TARGET_CONTINGENT_SECONDS:.0f} s] {verdict(contingent_seconds <= TARGET_CONTINGENT_SECONDS)}")
    write(f"floor: raw COPY into an unlogged table + one set-based statement: before {floor_copy:.1f} + "
          f"{floor_statement:.1f} s, after {floor_copy_2:.1f} + {floor_statement_2:.1f} s; mean {floor_seconds:.1f} s")
    write(f"NOBD history: {days} imports in {history_seconds:.0f} s (files written and vacuumed between nights included); "
          f"first import (empty history) {imports[0]:.1f} s, daily imports {min(imports[1:] or imports):.1f}–"
          f"{max(imports[1:] or imports):.1f} s")
    write(f"storage of the NOBD history: one snapshot {first_size / mb:,.0f} MB, {days} snapshots {last_size / mb:,.0f} MB: "
          f"ratio {storage_ratio:.2f} [target <= {TARGET_STORAGE_RATIO}] {verdict(storage_ratio <= TARGET_STORAGE_RATIO)} "
          f"(one full copy per snapshot would take {days * first_size / mb:,.0f} MB)")
    stages = ", ".join(f"{name} {seconds:.1f}" for name, seconds in getattr(snapshot, "timings", {}).items())
    against = previous_snapshot.pk if previous_snapshot else "-"
    write(f"nobd_import, the nightly one ({snapshot.row_count:,} rows, snapshot {snapshot.pk} against {against}; "
          f"{snapshot.rows_added:,} rows added, {snapshot.rows_removed:,} removed): {import_seconds:.1f} s  ({stages})")
    prepared = ", ".join(f"{name} {result['seconds']:.1f}" for name, result in run.progress.get("prepared", {}).items())
    per_rule = ", ".join(f"{code} {result.get('seconds', 0):.1f}" for code, result in run.progress.get("rules", {}).items())
    write(f"run_checks (run {run.pk}): {checks_seconds:.1f} s  (prepared: {prepared}; rules: {per_rule})")
    write(f"(import + checks) / floor = {import_seconds + checks_seconds:.1f} / {floor_seconds:.1f} = {ratio:.2f} "
          f"[target <= {TARGET_RATIO:.0f}] {verdict(ratio <= TARGET_RATIO)}")
    processor = [meter.processor() for meter in (floor_meter, floor_meter_2, import_meter, checks_meter, risk_meter)]
    if None not in processor:
        floor_cpu = (processor[0] + processor[1]) / 2
        write(f"processor time (the PostgreSQL server's processes + this one; far less sensitive to the load than wall "
              f"time): floor {processor[0]:.1f} / {processor[1]:.1f} s (mean {floor_cpu:.1f}), nightly nobd_import "
              f"{processor[2]:.1f} s, run_checks {processor[3]:.1f} s, run_risk {processor[4]:.1f} s; "
              f"(import + checks) / floor = {(processor[2] + processor[3]) / floor_cpu:.2f}, "
              f"run_risk / floor = {processor[4] / floor_cpu:.2f}")
    per_code = ", ".join(f"{code} {seconds:.1f}" for code, seconds in risk_run.timings.items())
    write(f"run_risk (run {risk_run.pk}, {days} snapshots stored): {risk_seconds:.1f} s  ({per_code}); "
          f"run_risk / floor = {risk_ratio:.2f} [target <= {TARGET_RISK_RATIO:.0f}] {verdict(risk_ratio <= TARGET_RISK_RATIO)}")
    write(f"peak RSS: this process {own_rss:.0f} MB, children {children_rss:.0f} MB [target <= {TARGET_RSS_MB} MB] "
          f"{verdict(max(own_rss, children_rss) <= TARGET_RSS_MB)} (PostgreSQL is a separate server, not counted)")
    by_code = {}
    for code, *_rest in generated.expected:
        by_code.setdefault(code, [0, 0])[0] += 1
    for code, *_rest in found & generated.expected:
        by_code[code][1] += 1
    write("planted anomalies found: " + ", ".join(f"{code} {hit}/{total}" for code, (total, hit) in sorted(by_code.items())))
    exact = not missing and not unexpected
    write(f"findings exactly the planted anomalies: {len(generated.expected)} planted, {len(found & generated.expected)} found, "
          f"{len(missing)} missing, {len(unexpected)} unexpected {verdict(exact)}")
    for item in sorted(missing)[:10]:
        write(f"  missing: {item}")
    for item in sorted(unexpected)[:10]:
        write(f"  unexpected: {item}")
    if outside:
        codes = sorted({item[0] for item in outside})
        write(f"  (codes outside the benchmark's plan, not judged: {', '.join(f'{c} {sum(1 for i in outside if i[0] == c)}' for c in codes)})")
    write("risk flags planted and raised: " + ", ".join(
        f"{code} {len({f for f in planted_flags & flags if f.startswith(code)})}/{len({f for f in planted_flags if f.startswith(code)})}"
        for code in RiskCode.values))
    flags_exact = flags == planted_flags
    write(f"risk flags exactly the planted ones: {len(planted_flags)} planted, {len(flags & planted_flags)} raised, "
          f"{len(planted_flags - flags)} missing, {len(flags - planted_flags)} unexpected {verdict(flags_exact)}")
    for item in sorted(planted_flags - flags)[:10]:
        write(f"  missing: {item}")
    for item in sorted(flags - planted_flags)[:10]:
        write(f"  unexpected: {item}")
    return (exact and flags_exact and ratio <= TARGET_RATIO and risk_ratio <= TARGET_RISK_RATIO
            and storage_ratio <= TARGET_STORAGE_RATIO and contingent_seconds <= TARGET_CONTINGENT_SECONDS
            and max(own_rss, children_rss) <= TARGET_RSS_MB)
