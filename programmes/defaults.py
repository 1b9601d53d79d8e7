"""The programme every existing state order belongs to: the national ``school_per_capita`` programme.

Migration ``programmes.0002`` creates it with these values (copied there, as migrations are frozen);
``tests/programmes/test_migrations.py`` proves the two agree. ``default_programme`` finds it — or
recreates it when a test flushed the tables — for callers that name no programme (the CONTRACT-era
API and forms).
"""

from __future__ import annotations

from decimal import Decimal

from programmes.choices import BeneficiaryKind, InstrumentCode, Period, ProgrammeStatus, Proration, Unit
from programmes.instruments import SCHOOL_CODES
from schools.choices import ProviderKind

SPC_CODE = "SPC"

SPC_VALUES = {
    "code": SPC_CODE,
    "name_kk": "Орта білім беруге арналған мемлекеттік білім беру тапсырысы",
    "name_ru": "Государственный образовательный заказ на среднее образование",
    "name_en": "State educational order for secondary education",
    "instrument": InstrumentCode.SCHOOL_PER_CAPITA.value,
    "status": ProgrammeStatus.ACTIVE.value,
    "unit": Unit.PUPIL.value,
    "period": Period.MONTH.value,
    "proration": Proration.DAYS.value,
    "provider_kind": ProviderKind.SCHOOL.value,
    "beneficiary_kind": BeneficiaryKind.PUPIL.value,
    "finding_codes": list(SCHOOL_CODES),
}

# The norms of the state order belong to each order (CONTRACT "Money"); the catalogue names the
# categories and leaves the default at 0.
SPC_NORMS = [
    ("primary", "Бастауыш (0–4 сыныптар)", "Начальное (0–4 классы)", "Primary (grades 0–4)"),
    ("basic", "Негізгі орта (5–9 сыныптар)", "Основное среднее (5–9 классы)", "Basic secondary (grades 5–9)"),
    ("general", "Жалпы орта (10–11 сыныптар)", "Общее среднее (10–11 классы)", "General secondary (grades 10–11)"),
]


def default_programme_id() -> int:
    """The id of ``default_programme()`` (the default of ``StateOrder.programme``)."""
    return default_programme().pk


def default_programme():
    """The national ``school_per_capita`` programme (created if missing, e.g. after a test flush)."""
    from programmes.models import Programme, ProgrammeNorm

    programme = Programme.objects.filter(code=SPC_CODE).first()
    if programme is not None:
        return programme
    programme, created = Programme.objects.get_or_create(code=SPC_CODE, defaults=SPC_VALUES)
    if created:
        ProgrammeNorm.objects.bulk_create([
            ProgrammeNorm(programme=programme, key=key, label_kk=kk, label_ru=ru, label_en=en, amount=Decimal("0.00"),
                          position=index)
            for index, (key, kk, ru, en) in enumerate(SPC_NORMS)
        ])
    return programme
