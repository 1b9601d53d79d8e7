"""Demo contingents and an NOBD snapshot with a few anomalies of every pupil code (``seed_demo``).

Everything goes through the same services as real data (``contingent_import``, ``nobd_import``);
only P01 — an IIN that disagrees with the birth date — cannot, since every importer refuses it:
one pupil's birth date is edited afterwards, as if the record predated validation. The snapshot
is also written to ``NOBD_FILE_PATH``, so the nightly job (file transport) has one to fetch.
The snapshot is written and the checks run once everything else is seeded (``ctx["after_seed"]``): contracts
count, and pupils enrolled by the other apps' demos are in NOBD as they are in the portal.

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
        path = Path(settings.NOBD_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv(nobd, NOBD_COLUMNS))
        digest = file_sha256(path)
        snapshot = NobdSnapshot.objects.filter(sha256=digest, taken_on=today, status=SnapshotStatus.READY).first()
        if snapshot is None:
            snapshot = nobd_import(path=path, taken_on=today, source=f"demo:{path.name}")

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
