"""Builders for the payments tests: orders and active contracts made directly with the models,
pupils and enrolments, check runs and findings."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from tests.factories import make_user, next_iin

_serial = itertools.count(1)

NORMS = {"primary": Decimal("95000.00"), "basic": Decimal("110000.00"), "general": Decimal("125500.00")}
PLACES = {"primary": 100, "basic": 100, "general": 50}
YEAR = 2025
PERIOD = (dt.date(2025, 9, 1), dt.date(2026, 5, 31))


def _system_user():
    from accounts.models import User

    return User.objects.filter(username="factory_system").first() or make_user("factory_system", role="operator")


def make_order(*, region, school_year: int = YEAR, sen_coefficient: Decimal = Decimal("1.50"), norms=None, places=None,
               status: str = "published"):
    from orders.models import StateOrder, StateOrderLevel

    tz = timezone.get_current_timezone()
    order = StateOrder.objects.create(
        region=region, school_year=school_year, programme_code=f"099-{next(_serial):03d}", title="Тапсырыс",
        budget=Decimal("900000000.00"), sen_coefficient=sen_coefficient,
        applications_open_at=dt.datetime(school_year, 6, 1, 9, tzinfo=tz),
        applications_close_at=dt.datetime(school_year, 7, 1, 18, tzinfo=tz),
        service_start=dt.date(school_year, 9, 1), service_end=dt.date(school_year + 1, 5, 31), status=status,
        created_by=_system_user(),
    )
    for level, norm in (norms or NORMS).items():
        StateOrderLevel.objects.create(order=order, level=level, places=(places or PLACES).get(level, 100) * 10,
                                       monthly_norm=norm)
    return order


def make_contract(*, school, order=None, levels=None, period=PERIOD, status: str = "active",
                  sen_coefficient: Decimal = Decimal("1.50")):
    """An active contract of ``school``; ``levels``: {level: (places, norm)} (default: every level)."""
    from core.calendar import month_count
    from orders.models import Application, ApplicationLevel, Contract, ContractLevel

    order = order or make_order(region=school.region, sen_coefficient=sen_coefficient)
    levels = levels or {level: (PLACES[level], NORMS[level]) for level in NORMS}
    application = Application.objects.create(
        order=order, school=school, status="approved", submitted_at=timezone.now(), submitted_by=_system_user(),
    )
    total = Decimal("0")
    for level, (places, norm) in levels.items():
        ApplicationLevel.objects.create(application=application, level=level, requested_places=places, approved_places=places)
        total += places * norm * 9
    contract = Contract.objects.create(
        number=f"ДГ-{order.school_year}-{next(_serial):05d}", order=order, school=school, application=application,
        status=status, period_start=period[0], period_end=period[1], total_amount=total,
        months=month_count(period[0], period[1]),
    )
    for level, (places, norm) in levels.items():
        ContractLevel.objects.create(contract=contract, level=level, places=places, monthly_norm=norm)
    return contract


def make_pupil(*, birth_date: dt.date = dt.date(2015, 3, 14), last_name: str = "Серікова", first_name: str = "Аружан"):
    from contingent.models import Pupil

    return Pupil.objects.create(iin=next_iin(birth_date), last_name=last_name, first_name=f"{first_name}{next(_serial)}",
                                middle_name="", birth_date=birth_date)


def make_enrolment(*, school, grade: int = 3, category: str = "regular", enrolled_on: dt.date = dt.date(2025, 9, 1),
                   left_on: dt.date | None = None, pupil=None):
    from contingent.models import Enrolment

    pupil = pupil or make_pupil(birth_date=dt.date(2025 - grade - 6, 4, 10))
    return Enrolment.objects.create(school=school, pupil=pupil, grade=grade, category=category,
                                    enrolled_on=enrolled_on, left_on=left_on)


def make_enrolments(*, school, count: int, grade: int = 3, **fields) -> list:
    return [make_enrolment(school=school, grade=grade, **fields) for _ in range(count)]


def make_check_run(*, check_date: dt.date = dt.date(2025, 10, 20)):
    from checks.models import CheckRun

    return CheckRun.objects.create(check_date=check_date, trigger="command", status="succeeded")


def make_finding(*, school, code: str = "P03", enrolment=None, level: str = "", status: str = "open", run=None):
    """A finding as the engine records it (severity from the CONTRACT table)."""
    from checks.models import Finding
    from checks.rules import severity_of

    run = run or make_check_run()
    if enrolment is not None:
        subject = f"enrolment:{enrolment.pk}"
    else:
        subject = f"school:{school.pk}" + (f":{level}" if level else "")
    return Finding.objects.create(
        code=code, severity=severity_of(code), school=school, enrolment=enrolment, level=level,
        subject_key=subject, rule_version="test", status=status, first_run=run, last_run=run,
    )


def make_iban(serial: int | None = None) -> str:
    """A valid Kazakhstan IBAN (mod-97) for a made-up account."""
    from demo.payments import make_kz_iban

    return make_kz_iban(next(_serial) if serial is None else serial, bank="722")
