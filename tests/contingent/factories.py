"""Builders for contingent, NOBD and contract test data."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

from core.identifiers import make_bin, make_iin
from integrations.nobd import NOBD_COLUMNS

_serial = itertools.count(1)

D = dt.date(2025, 11, 20)  # the check date of most tests (a Thursday in the 2025–2026 school year)
YEAR_START = dt.date(2025, 9, 1)


def iin_for(birth_date: dt.date, sex: str = "male") -> str:
    while True:
        value = make_iin(birth_date, sex, next(_serial) % 10000)
        if value:
            return value


def state_bin() -> str:
    while True:
        value = make_bin(9, 5, 50_000 + next(_serial))
        if value:
            return value


def birth_for_grade(grade: int, age_offset: int = 6, year_start: dt.date = YEAR_START) -> dt.date:
    """A birth date that makes the pupil ``grade + age_offset`` years old on 1 September."""
    return dt.date(year_start.year - grade - age_offset, 3, 15)


def make_pupil(*, iin: str | None = None, birth_date: dt.date | None = None, last_name: str = "Ахметов",
               first_name: str = "Алихан", grade_hint: int = 3):
    from contingent.models import Pupil

    birth_date = birth_date or birth_for_grade(grade_hint)
    return Pupil.objects.create(iin=iin or iin_for(birth_date), last_name=last_name, first_name=first_name, birth_date=birth_date)


def make_enrolment(*, school, pupil=None, grade: int = 3, enrolled_on: dt.date = YEAR_START, left_on: dt.date | None = None,
                   category: str = "regular"):
    from contingent.models import Enrolment

    pupil = pupil or make_pupil(grade_hint=grade)
    return Enrolment.objects.create(school=school, pupil=pupil, grade=grade, enrolled_on=enrolled_on, left_on=left_on,
                                    category=category)


def nobd_row(pupil, *, school_bin: str, grade: int, enrolled_on: dt.date = YEAR_START, left_on: dt.date | None = None) -> dict:
    return {"iin": pupil.iin, "last_name": pupil.last_name, "first_name": pupil.first_name, "middle_name": "",
            "birth_date": pupil.birth_date.isoformat(), "school_bin": school_bin, "grade": str(grade),
            "enrolled_on": enrolled_on.isoformat(), "left_on": left_on.isoformat() if left_on else ""}


def write_csv(path: Path, rows: list[dict], columns: list[str] = NOBD_COLUMNS) -> Path:
    lines = [",".join(columns)] + [",".join(str(row.get(name, "")) for name in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load_snapshot(tmp_path: Path, rows: list[dict], *, taken_on: dt.date = D, name: str | None = None):
    from contingent.services.nobd import nobd_import

    path = write_csv(tmp_path / (name or f"nobd-{next(_serial)}.csv"), rows)
    return nobd_import(path=path, taken_on=taken_on)


def make_contract(*, school, places: dict[str, int], status: str = "active", start: dt.date = YEAR_START,
                  end: dt.date = dt.date(2026, 5, 31)):
    from django.utils import timezone

    from accounts.models import User
    from core.calendar import month_count
    from orders.models import Application, Contract, ContractLevel, StateOrder

    officer = User.objects.filter(role="operator").first() or User.objects.create(username=f"officer{next(_serial)}", role="operator")
    now = timezone.now()
    order = StateOrder.objects.create(
        region=school.region, school_year=start.year, programme_code="099", budget=Decimal("1000000.00"),
        applications_open_at=now - dt.timedelta(days=30), applications_close_at=now - dt.timedelta(days=20),
        service_start=start, service_end=end, status="published", created_by=officer,
    )
    application = Application.objects.create(order=order, school=school, status="approved", submitted_at=now, submitted_by=officer)
    contract = Contract.objects.create(number=f"T-{next(_serial)}", order=order, school=school, application=application,
                                       status=status, period_start=start, period_end=end, total_amount=Decimal("0.00"),
                                       months=min(12, month_count(start, end)))
    for level, count in places.items():
        ContractLevel.objects.create(contract=contract, level=level, places=count, monthly_norm=Decimal("100000.00"))
    return contract
