"""Builders for programmes and beneficiaries of the other instruments (through the services)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from contingent.validation import file_columns
from programmes.services import NormInput, ProgrammeInput, TermInput, programme_activate, programme_create
from tests.factories import next_iin

NORMS = {
    "dormitory_place": {"place": "45000.00"},
    "scholarship": {"regular": "28000.00", "increased": "35000.00", "social": "42000.00"},
    "grant": {"B001": "450000.00", "B057": "600000.00"},
    "school_per_capita": {"primary": "95000.00", "basic": "110000.00", "general": "125500.00"},
}


def terms_of(year: int) -> list[TermInput]:
    return [TermInput(name="Autumn", start=dt.date(year, 9, 1), end=dt.date(year, 12, 31)),
            TermInput(name="Spring", start=dt.date(year + 1, 1, 1), end=dt.date(year + 1, 5, 31))]


def programme_input(instrument: str, *, code: str | None = None, year: int = 2025, **fields) -> ProgrammeInput:
    norms = [NormInput(key=key, amount=Decimal(amount), label_kk=key, label_ru=key, label_en=key)
             for key, amount in NORMS[instrument].items()]
    return ProgrammeInput(code=code or instrument.upper().replace("_", "-")[:20], name_kk="Бағдарлама",
                          name_ru="Программа", instrument=instrument, norms=norms,
                          terms=terms_of(year) if instrument == "grant" else [], **fields)


def make_programme(instrument: str, *, actor, activate: bool = True, **fields):
    programme = programme_create(data=programme_input(instrument, **fields), actor=actor)
    return programme_activate(programme=programme, actor=actor) if activate else programme


def person(n: int, *, born: dt.date = dt.date(2006, 5, 4), enrolled_on: dt.date = dt.date(2025, 9, 1),
           left_on: dt.date | None = None, **fields) -> dict:
    birth = born + dt.timedelta(days=n)
    return {"iin": next_iin(birth, "female" if n % 2 else "male"), "last_name": f"Студент{n}", "first_name": "Айгерім",
            "middle_name": "", "birth_date": birth.isoformat(), "enrolled_on": enrolled_on.isoformat(),
            "left_on": left_on.isoformat() if left_on else "", **fields}


def beneficiaries_csv(kind: str, rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=file_columns(kind), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def load_beneficiaries(*, school, kind: str, rows: list[dict]):
    from contingent.services.imports import contingent_import

    upload = io.BytesIO(beneficiaries_csv(kind, rows))
    upload.name = "beneficiaries.csv"
    return contingent_import(source=upload, school=school, kind=kind)


# --- ORM-level builders for the checks (no services: planted data) ---------------------------

def programme_of(instrument: str, *, code: str | None = None, terms=()):
    """An active national programme of ``instrument`` running all its codes (created once per code)."""
    from programmes.instruments import INSTRUMENTS
    from programmes.models import Programme, ProgrammeNorm, ProgrammeTerm

    item = INSTRUMENTS[instrument]
    programme, created = Programme.objects.get_or_create(code=code or f"P-{instrument[:12]}", defaults={
        "name_kk": "Бағдарлама", "name_ru": "Программа", "instrument": instrument, "status": "active",
        "unit": item.unit, "period": item.period, "proration": item.proration, "provider_kind": item.provider_kinds[0],
        "beneficiary_kind": item.beneficiary_kind, "finding_codes": list(item.finding_codes)})
    if created:
        for key, amount in NORMS[instrument].items():
            ProgrammeNorm.objects.create(programme=programme, key=key, label_kk=key, label_ru=key, label_en=key,
                                         amount=Decimal(amount))
        for name, start, end in terms:
            ProgrammeTerm.objects.create(programme=programme, name=name, start=start, end=end)
    return programme


def make_programme_contract(*, programme, school, places: dict[str, int], status: str = "active",
                            start: dt.date = dt.date(2025, 9, 1), end: dt.date = dt.date(2026, 5, 31)):
    from django.utils import timezone

    from accounts.models import User
    from core.calendar import month_count
    from orders.models import Application, Contract, ContractLevel, StateOrder

    officer = User.objects.filter(role="operator").first() or User.objects.create(username=f"officer-{school.pk}", role="operator")
    now = timezone.now()
    order = StateOrder.objects.create(
        programme=programme, region=school.region, school_year=start.year, programme_code="226", budget=Decimal("1000000.00"),
        applications_open_at=now - dt.timedelta(days=30), applications_close_at=now - dt.timedelta(days=20),
        service_start=start, service_end=end, status="published", created_by=officer,
    )
    application = Application.objects.create(order=order, school=school, status="approved", submitted_at=now,
                                             submitted_by=officer)
    contract = Contract.objects.create(number=f"P-{order.pk}", order=order, school=school, application=application,
                                       status=status, period_start=start, period_end=end, total_amount=Decimal("0.00"),
                                       months=min(12, month_count(start, end)))
    for key, count in places.items():
        ContractLevel.objects.create(contract=contract, level=key, places=count, monthly_norm=Decimal("1000.00"))
    return contract


def make_beneficiary(*, school, kind: str, pupil=None, enrolled_on: dt.date = dt.date(2025, 9, 1),
                     left_on: dt.date | None = None, category: str = "regular", specialty_group: str = ""):
    from contingent.models import Enrolment
    from tests.contingent.factories import make_pupil

    if kind == "grant_holder" and not specialty_group:
        specialty_group = "B001"
    return Enrolment.objects.create(school=school, pupil=pupil or make_pupil(birth_date=dt.date(2006, 4, 10)), kind=kind,
                                    grade=None, category=category, specialty_group=specialty_group,
                                    enrolled_on=enrolled_on, left_on=left_on)
