"""Builders for the risk tests: NOBD rows of any pupil, contingents in bulk, approved payments, IBAN changes."""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import connection

from core.identifiers import parse_iin
from tests.contingent.factories import birth_for_grade, iin_for, load_snapshot, state_bin

_serial = itertools.count(1)

D = dt.date(2025, 11, 20)  # the snapshot's date: a Thursday of the 2025–2026 school year
Y = dt.date(2025, 9, 1)  # 1 September of that school year
PREVIOUS = D - dt.timedelta(days=1)


def nobd(iin: str, school_bin: str, *, enrolled_on: dt.date, left_on: dt.date | None = None, grade: int = 3,
         birth_date: dt.date | None = None, last_name: str = "Ахметов") -> dict:
    birth_date = birth_date or parse_iin(iin).birth_date
    return {"iin": iin, "last_name": last_name, "first_name": "Алихан", "middle_name": "",
            "birth_date": birth_date.isoformat(), "school_bin": school_bin, "grade": str(grade),
            "enrolled_on": enrolled_on.isoformat(), "left_on": left_on.isoformat() if left_on else ""}


def new_iin(grade: int = 3) -> str:
    return iin_for(birth_for_grade(grade))


def snapshots(tmp_path, previous_rows: list[dict], rows: list[dict]):
    """The previous snapshot (D − 1 day) and the snapshot of D."""
    before = load_snapshot(tmp_path, previous_rows, taken_on=PREVIOUS)
    return before, load_snapshot(tmp_path, rows, taken_on=D)


def enrol_many(*, school, count: int, enrolled_on: dt.date, left_on: dt.date | None = None, grade: int = 3) -> list:
    """``count`` new pupils enrolled at ``school`` (bulk, as an import would)."""
    from contingent.models import Enrolment, Pupil

    birth = birth_for_grade(grade)
    pupils = Pupil.objects.bulk_create([
        Pupil(iin=iin_for(birth), last_name=f"Оқушы{next(_serial)}", first_name="Алихан", birth_date=birth)
        for _ in range(count)])
    return Enrolment.objects.bulk_create([
        Enrolment(school=school, pupil=pupil, grade=grade, enrolled_on=enrolled_on, left_on=left_on) for pupil in pupils])


def record_iban_change(school, *, before: str, after: str, at: dt.datetime) -> int:
    """A bank-account change in the school's history at ``at`` (the history is append-only: written once)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO schools_schoolchange (bin, kind, subject, before, after, source, changed_at) "
            "VALUES (%s, 'bank_account', '', %s::jsonb, %s::jsonb, 'profile', %s) RETURNING id",
            [school.bin, f'{{"iban": "{before}"}}', f'{{"iban": "{after}"}}', at])
        return cursor.fetchone()[0]


__all__ = ["D", "PREVIOUS", "Y", "enrol_many", "new_iin", "nobd", "record_iban_change", "snapshots", "state_bin"]


def approved_payments(*, contract, school_user, department_user, operator_user, second_operator_user,
                      months=(dt.date(2025, 9, 1),)) -> list:
    """Accepted acts of ``contract`` for ``months``, each paid by one operator and approved by another."""
    from payments.services import payment_approve, payment_prepare
    from tests.acts.factories import make_enrolment
    from tests.acts.helpers import accepted_act

    make_enrolment(school=contract.school, grade=2)
    made = []
    for month in months:
        act = accepted_act(contract=contract, month=month, school_user=school_user, department_user=department_user,
                           today=dt.date(2025, 12, 10))
        made.append(payment_approve(payment=payment_prepare(act=act, actor=operator_user), actor=second_operator_user))
    return made


def plant_every_code(tmp_path, *, home, payment=None):
    """One flag of each code R01–R05 at ``home`` (R04 only when an approved ``payment`` of home is given).

    Returns (previous snapshot, snapshot of D, the IINs planted for R01 and R05).
    """
    from django.utils import timezone

    from payments.models import Payment

    hopper, vanished = new_iin(), new_iin()
    s1, s2, s3 = state_bin(), state_bin(), state_bin()
    day = dt.timedelta(days=1)
    r01 = [nobd(hopper, s1, enrolled_on=Y, left_on=Y + 9 * day), nobd(hopper, s2, enrolled_on=Y + 10 * day, left_on=Y + 19 * day),
           nobd(hopper, s3, enrolled_on=Y + 20 * day, left_on=Y + 29 * day), nobd(hopper, home.bin, enrolled_on=Y + 30 * day)]
    for start, left in ((28, 1), (29, 2), (30, 3)):  # R02, September
        enrol_many(school=home, count=1, enrolled_on=dt.date(2025, 9, start), left_on=dt.date(2025, 10, left))
    enrol_many(school=home, count=25, enrolled_on=D - 5 * day)  # R03: 0 → 25
    if payment is not None:  # R04
        changed = timezone.make_aware(dt.datetime(2025, 11, 1, 9, 0))
        record_iban_change(home, before="KZ000000000000000001", after=home.iban or "KZ000000000000000002", at=changed)
        Payment.objects.filter(pk=payment.pk).update(approved_at=changed + dt.timedelta(days=3))
    previous, snapshot = snapshots(tmp_path, [*r01, nobd(vanished, home.bin, enrolled_on=Y)], r01)  # R05
    return previous, snapshot, {"R01": hopper, "R05": vanished}
