"""The funding instruments: everything an instrument decides, declared once per instrument.

An ``Instrument`` says which providers it pays (provider kinds), for whom (beneficiary kind), per
what (unit) and for which period (month or academic term), how much of a period a beneficiary earns
by default (proration), how a beneficiary maps to a *norm category* (the key of the programme's
norms), which beneficiaries earn a coefficient, the columns of its beneficiary file and the
finding codes the nightly checks run for it. A new instrument is one more entry here plus its rules.

The norm-category mapping and the coefficient are needed in Python (a line's category, the tests)
and in SQL (the set-based act build): both forms are generated from ``INSTRUMENTS`` below, and
``tests/programmes/test_instruments.py`` proves on PostgreSQL that they agree.

Money (CONTRACT "Money" and "Funding instruments")::

    line amount = norm of the category × coefficient × billable days ÷ days of the period,
                  rounded half-up to 0.01 KZT once per line

with billable days = the days enrolled in the period (proration ``days``) or all days of the period
(``any_day``: enrolled on any day of it; ``term``: the whole term). For ``school_per_capita`` this
is exactly the CONTRACT rule for pupils.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from programmes.choices import BeneficiaryCategory, BeneficiaryKind, InstrumentCode, Period, Proration, Unit
from schools.choices import Level, ProviderKind
from schools.rules import grade_levels_sql, level_of_grade, level_of_grade_sql

# How a beneficiary maps to the norm category of its line.
BY_LEVEL = "level"  # the level of the pupil's grade (primary / basic / general)
BY_PLACE = "place"  # one category: an occupied place
BY_CATEGORY = "category"  # the holder's category (regular / increased / social)
BY_SPECIALTY_GROUP = "specialty_group"  # the grant holder's specialty group

PLACE = "place"  # the single norm category of a dormitory programme

IDENTITY_COLUMNS = ["iin", "last_name", "first_name", "middle_name", "birth_date"]
PERIOD_COLUMNS = ["enrolled_on", "left_on"]


@dataclass(frozen=True)
class Instrument:
    code: InstrumentCode
    provider_kinds: tuple[str, ...]
    beneficiary_kind: BeneficiaryKind
    unit: Unit
    period: Period
    proration: Proration
    prorations: tuple[str, ...]  # what a programme of the instrument may choose instead
    category_source: str
    # The norm categories of every programme of the instrument, or () when each programme names
    # its own (grant specialty groups).
    categories: tuple[str, ...]
    # The beneficiary category that earns the order's coefficient (``sen`` for pupils), or None.
    coefficient_category: str | None
    columns: tuple[str, ...]  # the beneficiary file (CSV/XLSX), in order
    finding_codes: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.code.label

    @property
    def category_words(self) -> list[tuple[str, str]]:
        """Each fixed category's key with its label in the active language (for the programme form)."""
        return [(key, str(FIXED_CATEGORY_LABELS.get(key, key))) for key in self.categories]


SCHOOL_CODES = ("P01", "P02", "P03", "P04", "P05", "P06", "P07", "S01", "S02", "S03", "S04", "S05")

INSTRUMENTS: dict[str, Instrument] = {
    InstrumentCode.SCHOOL_PER_CAPITA: Instrument(
        code=InstrumentCode.SCHOOL_PER_CAPITA, provider_kinds=(ProviderKind.SCHOOL,), beneficiary_kind=BeneficiaryKind.PUPIL,
        unit=Unit.PUPIL, period=Period.MONTH, proration=Proration.DAYS, prorations=(Proration.DAYS,),
        category_source=BY_LEVEL, categories=tuple(Level.values), coefficient_category=BeneficiaryCategory.SEN,
        columns=(*IDENTITY_COLUMNS, "grade", *PERIOD_COLUMNS, "category"), finding_codes=SCHOOL_CODES,
    ),
    InstrumentCode.DORMITORY_PLACE: Instrument(
        code=InstrumentCode.DORMITORY_PLACE, provider_kinds=(ProviderKind.DORMITORY,),
        beneficiary_kind=BeneficiaryKind.RESIDENT, unit=Unit.PLACE, period=Period.MONTH, proration=Proration.DAYS,
        prorations=(Proration.DAYS, Proration.ANY_DAY), category_source=BY_PLACE, categories=(PLACE,),
        coefficient_category=None, columns=(*IDENTITY_COLUMNS, *PERIOD_COLUMNS), finding_codes=("S02", "S03", "D01", "D02", "D03"),
    ),
    InstrumentCode.SCHOLARSHIP: Instrument(
        code=InstrumentCode.SCHOLARSHIP, provider_kinds=(ProviderKind.COLLEGE,),
        beneficiary_kind=BeneficiaryKind.SCHOLARSHIP_HOLDER, unit=Unit.HOLDER, period=Period.MONTH,
        proration=Proration.ANY_DAY, prorations=(Proration.ANY_DAY, Proration.DAYS), category_source=BY_CATEGORY,
        categories=(BeneficiaryCategory.REGULAR, BeneficiaryCategory.INCREASED, BeneficiaryCategory.SOCIAL),
        coefficient_category=None, columns=(*IDENTITY_COLUMNS, *PERIOD_COLUMNS, "category"),
        finding_codes=("S02", "S03", "C01"),
    ),
    InstrumentCode.GRANT: Instrument(
        code=InstrumentCode.GRANT, provider_kinds=(ProviderKind.COLLEGE, ProviderKind.UNIVERSITY),
        beneficiary_kind=BeneficiaryKind.GRANT_HOLDER, unit=Unit.HOLDER, period=Period.TERM, proration=Proration.TERM,
        prorations=(Proration.TERM,), category_source=BY_SPECIALTY_GROUP, categories=(), coefficient_category=None,
        columns=(*IDENTITY_COLUMNS, *PERIOD_COLUMNS, "specialty_group"), finding_codes=("S02", "S03", "G01"),
    ),
}

# The categories a beneficiary of each kind may have (``contingent.Enrolment``: a CHECK per kind).
KIND_CATEGORIES: dict[str, tuple[str, ...]] = {
    BeneficiaryKind.PUPIL: (BeneficiaryCategory.REGULAR, BeneficiaryCategory.SEN),
    BeneficiaryKind.RESIDENT: (BeneficiaryCategory.REGULAR,),
    BeneficiaryKind.SCHOLARSHIP_HOLDER: (BeneficiaryCategory.REGULAR, BeneficiaryCategory.INCREASED,
                                         BeneficiaryCategory.SOCIAL),
    BeneficiaryKind.GRANT_HOLDER: (BeneficiaryCategory.REGULAR,),
}

FIXED_CATEGORY_LABELS = {
    **dict(Level.choices),
    PLACE: _("Dormitory place"),
    **{key: label for key, label in BeneficiaryCategory.choices if key != BeneficiaryCategory.SEN},
}


def instrument(code: str) -> Instrument:
    """The instrument of ``code``; KeyError for an unknown code."""
    return INSTRUMENTS[code]


def instrument_of_kind(kind: str) -> Instrument:
    """The instrument whose beneficiaries are of ``kind``."""
    return next(item for item in INSTRUMENTS.values() if item.beneficiary_kind == kind)


def beneficiary_columns(kind: str) -> list[str]:
    """The columns of the beneficiary file of ``kind`` (for pupils: the CONTRACT contingent file)."""
    return list(instrument_of_kind(kind).columns)


def instruments_running(code: str) -> list[str]:
    """The instruments whose checks include the finding ``code``."""
    return [item.code.value for item in INSTRUMENTS.values() if code in item.finding_codes]


# --- the norm category and the coefficient, in Python and in SQL ---------------------------------

def norm_category(code: str, *, grade: int | None, category: str, specialty_group: str) -> str | None:
    """The norm category of a beneficiary under the instrument ``code`` (None: the pupil's grade has no level)."""
    source = INSTRUMENTS[code].category_source
    if source == BY_LEVEL:
        try:
            return level_of_grade(grade).value if grade is not None else None
        except ValueError:
            return None
    if source == BY_PLACE:
        return PLACE
    if source == BY_CATEGORY:
        return category
    return specialty_group


def _source_sql(source: str, alias: str) -> str:
    if source == BY_LEVEL:
        return level_of_grade_sql(f"{alias}.grade")
    if source == BY_PLACE:
        return f"'{PLACE}'"
    if source == BY_CATEGORY:
        return f"{alias}.category"
    return f"{alias}.specialty_group"


def norm_category_sql(instrument_expr: str, alias: str) -> str:
    """SQL: the norm category of the enrolment row ``alias`` under the instrument in ``instrument_expr``."""
    whens = " ".join(f"WHEN '{item.code}' THEN {_source_sql(item.category_source, alias)}" for item in INSTRUMENTS.values())
    return f"(CASE {instrument_expr} {whens} END)::varchar"


def category_join_sql(code: str, enrolment: str, contract: str) -> str:
    """SQL: ``JOIN orders_contractlevel cl`` on the contract's row of the enrolment's norm category under the
    instrument ``code`` — the join form of ``norm_category_sql`` for a query that knows its instrument.

    The level of a grade is joined through the ``VALUES`` table of ``schools.rules`` (the planner estimates a
    join on it well, which a CASE expression hides); the other sources are plain columns.
    """
    source = INSTRUMENTS[code].category_source
    if source == BY_LEVEL:
        return (f"JOIN {grade_levels_sql()} ON grade_level.grade = {enrolment}.grade "
                f"JOIN orders_contractlevel cl ON cl.contract_id = {contract}.id AND cl.level = grade_level.level")
    return f"JOIN orders_contractlevel cl ON cl.contract_id = {contract}.id AND cl.level = {_source_sql(source, enrolment)}"


def coefficient(code: str, *, category: str, order_coefficient) -> object:
    """The coefficient of a beneficiary: the order's (SEN) coefficient for its category, else 1."""
    wanted = INSTRUMENTS[code].coefficient_category
    return order_coefficient if wanted is not None and category == wanted else 1


def coefficient_sql(instrument_expr: str, alias: str, order_coefficient: str) -> str:
    """SQL twin of ``coefficient`` (numeric(5, 2))."""
    whens = " ".join(f"WHEN {instrument_expr} = '{item.code}' AND {alias}.category = '{item.coefficient_category}' "
                     f"THEN {order_coefficient}" for item in INSTRUMENTS.values() if item.coefficient_category)
    return f"(CASE {whens} ELSE 1 END)::numeric(5, 2)"


def billable_days(proration: str, *, days_enrolled: int, period_days: int) -> int:
    """The days of the period a beneficiary is paid for (see the module docstring)."""
    return days_enrolled if proration == Proration.DAYS else period_days


def billable_days_sql(proration_expr: str, days_enrolled: str, period_days: str) -> str:
    """SQL twin of ``billable_days``."""
    return f"(CASE WHEN {proration_expr} = '{Proration.DAYS}' THEN {days_enrolled} ELSE {period_days} END)"
