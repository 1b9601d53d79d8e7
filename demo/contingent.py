"""Demo contingents and an NOBD snapshot with a few anomalies of every pupil code (``seed_demo``).

Everything goes through the same services as real data (``contingent_import``, ``nobd_import``);
only P01 — an IIN that disagrees with the birth date — cannot, since every importer refuses it:
one pupil's birth date is edited afterwards, as if the record predated validation. The snapshot
is also written to ``NOBD_FILE_PATH``, so the nightly job (file transport) has one to fetch.
The snapshot is written and the checks run once everything else is seeded (``ctx["after_seed"]``): contracts
count, and pupils enrolled by the other apps' demos are in NOBD as they are in the portal.

Risk patterns (issue 14; ``demo.risk`` computes the flags once the checks ran): R01 a pupil NOBD has at four
schools since 1 September (the last one a portal school); R02 three pupils of «Ақниет» enrolled on the last three
days of September and gone in the first days of October; R03 twenty pupils arriving ten days before D at
«Білім-Инновация», a school of twenty; R05 a pupil of «Ақниет» that yesterday's NOBD snapshot has and today's no
longer has (so the demo loads yesterday's snapshot too). R04 is planted by ``demo.payments``.

Idempotent: the contingent is upserted; the same snapshot file (same SHA-256) is loaded once.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from core.calendar import school_year_start
from core.identifiers import make_bin, make_iin

LAST = ["Ахметов", "Сәрсенова", "Жақсылықов", "Омарова", "Серікбаев", "Нұрланова", "Ермеков", "Тоқтарова", "Смагулов", "Қасымов"]
FIRST = ["Алихан", "Айару", "Данияр", "Аружан", "Тимур", "Мадина", "Ерасыл", "Томирис", "Санжар", "Інжу"]
STATE_BINS = [make_bin(9, 1 + index, 900 + index) or make_bin(9, 1 + index, 950 + index) for index in range(3)]
PUPILS_PER_SCHOOL = {0: 30, 1: 24, 2: 20, 3: 305}  # the fourth school (capacity 300) is over its capacity: S04
# The schools (by index) where the risk patterns are planted: R01's last school, R02, R03, R05.
R01_SCHOOL, R02_SCHOOL, R03_SCHOOL, R05_SCHOOL = 2, 3, 6, 3


def _dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """(D, 1 September of D's school year), D at least two months into the school year."""
    anchor = today - dt.timedelta(days=60)
    return today, school_year_start(anchor)


def _pupils(school_index: int, count: int, year_start: dt.date) -> list[dict]:
    pupils = []
    for number in range(count):
        grade = number % 12
        birth = dt.date(year_start.year - grade - 6, 1 + number % 12, 1 + (number * 7 + school_index) % 28)
        serial = 1000 * (school_index + 1) + number
        iin = make_iin(birth, "female" if number % 2 else "male", serial) or make_iin(birth, "male", serial + 500)
        pupils.append({
            "iin": iin, "last_name": LAST[(number + school_index) % len(LAST)], "first_name": FIRST[number % len(FIRST)],
            "middle_name": "", "birth_date": birth.isoformat(), "grade": grade, "enrolled_on": year_start.isoformat(),
            "left_on": "", "category": "sen" if number % 11 == 5 else "regular",
        })
    return pupils


def _pupil(serial: int, year_start: dt.date, *, enrolled_on: dt.date, left_on: dt.date | None = None, grade: int = 3) -> dict:
    """One more pupil (serials 8000 and up: no other demo pupil has them)."""
    birth = dt.date(year_start.year - grade - 6, 1 + serial % 12, 1 + serial % 28)
    return {"iin": make_iin(birth, "male", serial) or make_iin(birth, "female", serial), "last_name": LAST[serial % len(LAST)],
            "first_name": FIRST[(serial + 1) % len(FIRST)], "middle_name": "", "birth_date": birth.isoformat(), "grade": grade,
            "enrolled_on": enrolled_on.isoformat(), "left_on": left_on.isoformat() if left_on else "", "category": "regular"}


def risk_rows(today: dt.date, year_start: dt.date) -> dict[str, list[dict]]:
    """The planted risk patterns: contingent rows (R02, R03) and NOBD rows (R01 in both snapshots, R05 yesterday only)."""
    september_end = dt.date(year_start.year, 9, 30)
    day = dt.timedelta(days=1)
    churn = [_pupil(8000 + n, year_start, enrolled_on=september_end - (2 - n) * day, left_on=september_end + (n + 1) * day)
             for n in range(3)]
    arrivals = [_pupil(8100 + n, year_start, enrolled_on=today - 10 * day) for n in range(20)]
    hopper = _pupil(8200, year_start, enrolled_on=year_start)
    hops = [dict(hopper, school_bin=bin_, enrolled_on=(year_start + 10 * n * day).isoformat(),
                 left_on=(year_start + (10 * n + 9) * day).isoformat()) for n, bin_ in enumerate(STATE_BINS)]
    return {"R02": churn, "R03": arrivals, "R01": hops, "R01_last": [hopper],
            "R05": [_pupil(8300, year_start, enrolled_on=year_start)]}


def _csv(rows: list[dict], columns: list[str]) -> bytes:
    lines = [",".join(columns)] + [",".join(str(row.get(name, "")) for name in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def seed(ctx: dict) -> None:
    from contingent.choices import SnapshotStatus
    from contingent.loading import file_sha256
    from contingent.models import NobdSnapshot, Pupil
    from contingent.services.imports import contingent_import
    from contingent.services.nobd import nobd_import
    from contingent.validation import CONTINGENT_COLUMNS, NOBD_COLUMNS

    schools = ctx["schools"]
    today, year_start = _dates(timezone.localdate())
    contingents: dict[int, list[dict]] = {}
    for index in range(len(schools)):
        pupils = _pupils(index, PUPILS_PER_SCHOOL.get(index, 20), year_start)
        if index == 0:
            pupils[7]["grade"] = 1  # born for grade 7: far too old for grade 1 (P07)
        contingents[index] = pupils
    planted = risk_rows(today, year_start)
    if len(schools) > max(R02_SCHOOL, R03_SCHOOL):
        contingents[R02_SCHOOL] += planted["R02"]  # R02: month-end churn
        contingents[R03_SCHOOL] += planted["R03"]  # R03: a contingent that jumps
    # P05: a pupil of the first school is enrolled at the second one as well.
    twice = dict(contingents[0][3], enrolled_on=(year_start + dt.timedelta(days=20)).isoformat())
    contingents[1].append(twice)
    for index, school in enumerate(schools):
        upload = io.BytesIO(_csv(contingents[index], CONTINGENT_COLUMNS))
        upload.name = f"demo-contingent-{school.bin}.csv"
        contingent_import(source=upload, school=school, original_name=upload.name)

    def load_snapshot_and_run_checks() -> None:
        """Once every app's demo is in: NOBD knows every demo pupil, except the planted anomalies."""
        from checks.choices import CheckRunTrigger
        from checks.services import check_run_now
        from contingent.models import Enrolment

        nobd = []
        known = set()
        for index, school in enumerate(schools):
            for number, pupil in enumerate(contingents[index]):
                known.add((school.pk, pupil["iin"]))
                if pupil is twice:
                    continue  # NOBD knows this pupil only at the first school
                row = {**pupil, "school_bin": school.bin}
                if index == 0 and number == 1:
                    continue  # P02: no NOBD row at all
                if index == 0 and number == 2:
                    row["school_bin"] = STATE_BINS[0]  # P03: NOBD has the pupil at a state school
                if index == 0 and number == 4:
                    row["left_on"] = (year_start + dt.timedelta(days=14)).isoformat()  # P04: left, per NOBD
                if index == 0 and number == 5:
                    row["grade"] = (int(row["grade"]) + 1) % 12  # P06: another grade
                nobd.append(row)
        # Pupils that other apps' demos enrolled (acts, licences …) are in NOBD as they are in the portal.
        others = (Enrolment.objects.filter(kind="pupil").select_related("pupil", "school").order_by("id"))
        for enrolment in others:
            if (enrolment.school_id, enrolment.pupil.iin) in known:
                continue
            pupil = enrolment.pupil
            nobd.append({"iin": pupil.iin, "last_name": pupil.last_name, "first_name": pupil.first_name,
                         "middle_name": pupil.middle_name, "birth_date": pupil.birth_date.isoformat(),
                         "school_bin": enrolment.school.bin, "grade": enrolment.grade,
                         "enrolled_on": enrolment.enrolled_on.isoformat(),
                         "left_on": enrolment.left_on.isoformat() if enrolment.left_on else ""})
        nobd.extend(ctx.get("nobd_rows", []))  # students of the other programmes' demos (demo.programmes)
        for number in range(40):  # pupils of state schools, never in the portal
            birth = dt.date(year_start.year - 10, 1 + number % 12, 1 + number % 28)
            nobd.append({"iin": make_iin(birth, "male", 7000 + number) or make_iin(birth, "female", 7500 + number),
                         "last_name": LAST[number % len(LAST)], "first_name": FIRST[(number + 3) % len(FIRST)],
                         "middle_name": "", "birth_date": birth.isoformat(), "school_bin": STATE_BINS[number % len(STATE_BINS)],
                         "grade": 4, "enrolled_on": year_start.isoformat(), "left_on": ""})
        if len(schools) > max(R01_SCHOOL, R05_SCHOOL):
            # R01: four schools since 1 September, the last one a portal school (gone again before D)
            last = planted["R01_last"][0]
            nobd.extend(planted["R01"])
            nobd.append(dict(last, school_bin=schools[R01_SCHOOL].bin, enrolled_on=(year_start + dt.timedelta(days=30)).isoformat(),
                             left_on=(year_start + dt.timedelta(days=40)).isoformat()))
            # R05: yesterday's snapshot has this pupil of a portal school, today's no longer has
            vanished = [dict(row, school_bin=schools[R05_SCHOOL].bin) for row in planted["R05"]]
        else:
            vanished = []
        path = Path(settings.NOBD_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)

        def load(rows: list[dict], target: Path, taken_on: dt.date):
            target.write_bytes(_csv(rows, NOBD_COLUMNS))
            found = NobdSnapshot.objects.filter(sha256=file_sha256(target), taken_on=taken_on, status=SnapshotStatus.READY).first()
            return found or nobd_import(path=target, taken_on=taken_on, source=f"demo:{target.name}")

        # yesterday's snapshot first (the previous one, which R05 compares with), then today's, where the nightly
        # job (file transport) finds it
        load(nobd + vanished, path.with_name(f"{path.stem}-previous{path.suffix}"), today - dt.timedelta(days=1))
        snapshot = load(nobd, path, today)

        # P01: a pupil whose birth date disagrees with the IIN — data no importer would take.
        Pupil.objects.filter(iin=contingents[0][6]["iin"]).update(
            birth_date=dt.date.fromisoformat(contingents[0][6]["birth_date"]) + dt.timedelta(days=2)
        )

        run = check_run_now(trigger=CheckRunTrigger.COMMAND, snapshot=snapshot)
        out = ctx.get("stdout")
        if out is not None:
            counts = ", ".join(f"{code} {count}" for code, count in run.counts.items() if count)
            out.write(f"Demo checks: run #{run.pk} on NOBD snapshot #{snapshot.pk} ({counts or 'no findings'})")

    ctx.setdefault("after_seed", []).append(load_snapshot_and_run_checks)
