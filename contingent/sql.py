"""The row rules of the contingent and NOBD files as SQL, for set-based validation.

``row_check(alias, …)`` returns the joins and the boolean condition that, over the text
columns of a staging table or an NOBD partition, is true exactly when
``contingent.validation.row_problems`` finds nothing wrong with the row. It never fails on
bad input and never yields NULL. Identifiers and dates are checked by hash joins against the
static tables of migration ``contingent.0004`` (``eq_dates``, ``eq_iin_prefix``,
``eq_iin_suffix``) — a few look-ups per row instead of function calls, which is what makes
4 M rows a night affordable. ``eq_id12_valid`` and ``eq_iin_birth_date`` (migration 0003)
check single values where speed does not matter.

Dates and grades follow ``core.parsing``: a valid date is written exactly ``YYYY-MM-DD`` (the
rows of ``eq_dates`` cover ``core.parsing.FIRST_DATE``–``LAST_DATE``), so dates are compared as
text; a grade is one of the spellings ``core.parsing.whole_number_spellings`` gives for
``GRADE_MIN``–``GRADE_MAX``. ``tests/contingent/test_validation.py`` binds both to the Python side
over arbitrary strings.
"""

from __future__ import annotations

from contingent.validation import GRADE_MAX, GRADE_MIN, NAME_MAX_LENGTH, SPECIALTY_GROUP_SQL
from core.parsing import whole_number_spellings
from programmes.choices import BeneficiaryKind
from programmes.instruments import KIND_CATEGORIES, beneficiary_columns

GRADE_LIST = ", ".join(f"'{grade}'" for grade in whole_number_spellings(GRADE_MIN, GRADE_MAX))
MONTH_LIST = ", ".join(f"'{month:02d}'" for month in range(1, 13))


def row_check(alias: str, *, category: bool, school_bin: bool, name_limit: bool,
              kind: str = BeneficiaryKind.PUPIL) -> tuple[str, str]:
    """(joins, condition) validating every row of ``alias`` (see ``row_problems``).

    The joins add the aliases ``iin_p``, ``iin_s``, ``date_e`` and ``date_l``; use them as
    ``FROM table alias {joins} WHERE NOT {condition}``.
    """
    a = alias
    joins = (
        f"LEFT JOIN eq_iin_prefix iin_p ON iin_p.prefix = left({a}.iin, 7) AND iin_p.birth_date = {a}.birth_date "
        f"LEFT JOIN eq_iin_suffix iin_s ON iin_s.suffix = right({a}.iin, 5) "
        f"LEFT JOIN eq_dates date_e ON date_e.d = {a}.enrolled_on "
        f"LEFT JOIN eq_dates date_l ON date_l.d = {a}.left_on"
    )
    checks = [
        # IIN: 12 characters whose first seven encode the birth date given (so that date is real
        # and well written), whose last five are digits, and whose check digit is right.
        f"WHEN iin_p.prefix IS NULL OR iin_s.suffix IS NULL OR octet_length({a}.iin) <> 12 THEN false",
        "WHEN mod(iin_p.s1 + iin_s.s1, 11) <> iin_s.check "
        "AND (mod(iin_p.s1 + iin_s.s1, 11) <> 10 OR mod(iin_p.s2 + iin_s.s2, 11) <> iin_s.check) THEN false",
        f"WHEN coalesce({a}.last_name, '') = '' OR coalesce({a}.first_name, '') = '' THEN false",
    ]
    if name_limit:
        checks.append(
            f"WHEN char_length({a}.last_name) > {NAME_MAX_LENGTH} OR char_length({a}.first_name) > {NAME_MAX_LENGTH} "
            f"OR char_length(coalesce({a}.middle_name, '')) > {NAME_MAX_LENGTH} THEN false"
        )
    columns = beneficiary_columns(kind)
    if "grade" in columns:
        checks.append(f"WHEN coalesce({a}.grade, '') NOT IN ({GRADE_LIST}) THEN false")
    if category and "category" in columns:
        allowed = ", ".join(f"'{value}'" for value in ("", *KIND_CATEGORIES[kind]))
        checks.append(f"WHEN coalesce({a}.category, '') NOT IN ({allowed}) THEN false")
    if "specialty_group" in columns:
        checks.append(f"WHEN coalesce({a}.specialty_group, '') !~ '{SPECIALTY_GROUP_SQL}' THEN false")
    if school_bin:
        checks.append(f"WHEN NOT {bin_ok(f'{a}.school_bin')} THEN false")
    checks += [
        "WHEN date_e.d IS NULL THEN false",
        f"WHEN coalesce({a}.left_on, '') = '' THEN true",
        "WHEN date_l.d IS NULL THEN false",
        f'ELSE {a}.left_on COLLATE "C" >= {a}.enrolled_on COLLATE "C"',
    ]
    return joins, "(CASE " + "\n ".join(checks) + " END)"


def bin_ok(column: str) -> str:
    """``core.identifiers.parse_bin``: 12 digits, check digit, month 01–12, entity 4/5/6, unit 0–3."""
    return (f"(CASE WHEN eq_id12_valid({column}) THEN substr({column}, 3, 2) IN ({MONTH_LIST}) "
            f"AND substr({column}, 5, 1) IN ('4', '5', '6') AND substr({column}, 6, 1) IN ('0', '1', '2', '3') "
            f"ELSE false END)")

