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
