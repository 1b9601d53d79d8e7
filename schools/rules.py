"""The rules about schools that other apps apply, each written once (Python, SQL and ORM from one place).

* **The level of a grade** (CONTRACT "Money"): primary 0–4, basic 5–9, general secondary 10–11 —
  the table ``LEVEL_GRADES``; ``level_of_grade`` in Python, ``level_of_grade_sql`` (a ``CASE``)
  and ``grade_levels_sql`` (a joinable ``VALUES`` table) generated from it.
* **A licence covers a level on D** (rule S01): the licence is active, issued on or before D, and
  lists the level. ``licence_gap`` says which of these fails (the explanation of S01 names it);
  ``licence_covers`` is "no gap"; ``licence_covers_sql`` and ``licence_covers_q`` are the SQL and
  ORM forms.
* **On the unreliable-supplier register on D** (rule S03): an entry with ``included_on ≤ D`` not
  excluded by D (``excluded_on`` empty or after D): ``register_entry_in_force`` and its SQL
  (``register_entry_in_force_sql``) and ORM (``register_entry_in_force_q``) forms.

``tests/schools/test_rules.py`` proves on real PostgreSQL that the SQL and ORM forms decide
exactly what the Python form decides, for any licence, entry and date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from schools.choices import Level, LicenceGap, LicenceStatus, ProviderKind

# --- the level of a grade --------------------------------------------------------------------

LEVEL_GRADES: dict[str, range] = {
    Level.PRIMARY: range(0, 5),
    Level.BASIC: range(5, 10),
    Level.GENERAL: range(10, 12),
}
GRADES = range(0, 12)


def level_of_grade(grade: int) -> Level:
    """The level of ``grade`` (0–11); ValueError outside 0–11."""
    for level, grades in LEVEL_GRADES.items():
        if grade in grades:
            return Level(level)
    raise ValueError(f"grade {grade} is outside 0–11")


def level_of_grade_sql(column: str) -> str:
    """SQL: the level of the grade in ``column`` (NULL outside 0–11)."""
    whens = " ".join(f"WHEN {column} BETWEEN {grades.start} AND {grades.stop - 1} THEN '{level}'"
                     for level, grades in LEVEL_GRADES.items())
    return f"(CASE {whens} END)"


def grade_levels_sql(alias: str = "grade_level") -> str:
    """A joinable ``VALUES`` table ``alias(grade, level)``: a join on it lets the planner estimate well
    (an expression in the join condition would hide the join from it)."""
    rows = ", ".join(f"({grade}, '{level_of_grade(grade)}')" for grade in GRADES)
    return f"(VALUES {rows}) AS {alias}(grade, level)"


def levels_of_grades(grades: Iterable[int]) -> set[str]:
    return {level_of_grade(grade).value for grade in grades}


# --- a licence covers a level on D ----------------------------------------------------------

def licence_gap(*, status: str, issued_on: dt.date, levels: Iterable[str], level: str, day: dt.date) -> LicenceGap | None:
    """Why the licence does not let the school teach ``level`` on ``day``; None when it does."""
    if status != LicenceStatus.ACTIVE:
        return LicenceGap.REVOKED if status == LicenceStatus.REVOKED else LicenceGap.SUSPENDED
    if issued_on > day:
        return LicenceGap.NOT_YET_ISSUED
    if level not in set(levels):
        return LicenceGap.LEVEL_NOT_LISTED
    return None


def licence_covers(*, status: str, issued_on: dt.date, levels: Iterable[str], level: str, day: dt.date) -> bool:
    """The licence lets the school teach ``level`` on ``day`` (rule S01)."""
    return licence_gap(status=status, issued_on=issued_on, levels=levels, level=level, day=day) is None


def licence_covers_sql(alias: str, level: str, day: str) -> str:
    """SQL: the licence row ``alias`` covers the level ``level`` on the day ``day`` (SQL expressions)."""
    return (f"({alias}.status = '{LicenceStatus.ACTIVE}' AND {alias}.issued_on <= ({day})::date "
            f"AND ({level})::varchar = ANY({alias}.levels))")


def licence_covers_q(level: str, day: dt.date) -> Q:
    """ORM: licences covering ``level`` on ``day``."""
    return Q(status=LicenceStatus.ACTIVE, issued_on__lte=day, levels__contains=[level])


# --- on the unreliable-supplier register on D -----------------------------------------------

def register_entry_in_force(*, included_on: dt.date, excluded_on: dt.date | None, day: dt.date) -> bool:
    """The register entry puts its BIN on the register on ``day`` (rule S03)."""
    return included_on <= day and (excluded_on is None or excluded_on > day)


def register_entry_in_force_sql(alias: str, day: str) -> str:
    """SQL: the register entry ``alias`` is in force on the day ``day`` (an SQL expression)."""
    return f"({alias}.included_on <= ({day})::date AND ({alias}.excluded_on IS NULL OR {alias}.excluded_on > ({day})::date))"


def register_entry_in_force_q(day: dt.date) -> Q:
    """ORM: register entries in force on ``day``."""
    return Q(included_on__lte=day) & (Q(excluded_on__isnull=True) | Q(excluded_on__gt=day))


# --- the activity codes (OKED) allowed for each kind of provider (rule S02) ------------------

# Education is section 85; a dormitory operator may also be registered under 55.90 (other accommodation).
ALLOWED_OKED: dict[str, tuple[str, ...]] = {
    ProviderKind.SCHOOL: ("85",),
    ProviderKind.COLLEGE: ("85",),
    ProviderKind.UNIVERSITY: ("85",),
    ProviderKind.DORMITORY: ("85", "55.90"),
}


def oked_allowed(*, kind: str, oked: str | None) -> bool:
    """The activity code ``oked`` is one a provider of ``kind`` may have (an empty code never is)."""
    return any((oked or "").startswith(prefix) for prefix in ALLOWED_OKED[kind])


def oked_allowed_sql(alias: str) -> str:
    """SQL twin of ``oked_allowed`` for the school row ``alias`` (its ``kind`` and ``oked``)."""
    whens = " ".join(
        f"WHEN '{kind}' THEN " + " OR ".join(f"left(coalesce({alias}.oked, ''), {len(p)}) = '{p}'" for p in prefixes)
        for kind, prefixes in ALLOWED_OKED.items())
    return f"(CASE {alias}.kind {whens} ELSE false END)"
