"""The row rules in SQL (contingent.sql) accept exactly what the Python rules (contingent.validation) accept.

The importers decide in SQL and explain in Python: if the two ever disagreed, a wrong row
could slip in, or a refused row could come back without an explanation.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from contingent.sql import bin_ok, row_check
from contingent.validation import BULK_COLUMNS, GRADE_MAX, GRADE_MIN, NOBD_COLUMNS, row_problems
from core.identifiers import check_digit, make_bin, make_iin, parse_bin, parse_iin, validate_iin_matches_birth_date
from core.parsing import parse_date, parse_int

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def sql_verdicts(rows: list[dict], *, columns: list[str], category: bool, school_bin: bool, name_limit: bool) -> list[bool]:
    joins, condition = row_check("t", category=category, school_bin=school_bin, name_limit=name_limit)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL datestyle = 'ISO, YMD'")
        cursor.execute("DROP TABLE IF EXISTS validation_rows")
        cursor.execute("CREATE TEMPORARY TABLE validation_rows (n integer, "
                       + ", ".join(f"{name} text" for name in BULK_COLUMNS) + ")")
        for n, row in enumerate(rows):
            cursor.execute(
                f"INSERT INTO validation_rows (n, {', '.join(columns)}) VALUES (%s, {', '.join(['%s'] * len(columns))})",
                [n, *(row.get(name) for name in columns)],
            )
        cursor.execute(f"SELECT t.n, {condition} FROM validation_rows t {joins} ORDER BY t.n")
        return [verdict for _n, verdict in cursor.fetchall()]


# PostgreSQL text never holds NUL (COPY refuses it as bad UTF-8), so neither do the examples.
text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=14)
dates = st.dates(min_value=dt.date(1790, 1, 1), max_value=dt.date(2110, 12, 31))
odd_text = st.sampled_from(["", " ", "x", "2015-02-30", "2015-3-1", "01.03.2015", " 2015-03-01", "2015-03-01 ", "20150301",
                            "today", "infinity", "2015/03/01", "１２３", "0x12345678ab", "+12345678901", "1_2345678901",
                            "123456789012", "12345678901", "1234567890123", "-1", "05", "12", "11", "0", " 5"])


@st.composite
def rows(draw, columns):
    birth = draw(st.dates(min_value=dt.date(1801, 1, 1), max_value=dt.date(2099, 12, 31)))
    iin = make_iin(birth, draw(st.sampled_from(["male", "female"])), draw(st.integers(0, 9999))) or ""
    enrolled = draw(dates)
    row = {
        "iin": iin, "last_name": "Ахметов", "first_name": "Алихан", "middle_name": "", "birth_date": birth.isoformat(),
        "grade": str(draw(st.integers(0, 11))), "enrolled_on": enrolled.isoformat(), "left_on": "", "category": "",
        "school_bin": make_bin(15, 6, draw(st.integers(1, 99999))) or "",
    }
    # Break some values (or none): each column independently.
    for name in columns:
        choice = draw(st.integers(0, 5))
        if choice == 0:
            row[name] = draw(st.one_of(odd_text, text, st.none()))
        elif choice == 1 and name in ("birth_date", "enrolled_on", "left_on"):
            row[name] = draw(dates).isoformat()
        elif choice == 1 and name == "iin" and iin:
            row[name] = iin[:11] + str((int(iin[11]) + draw(st.integers(1, 9))) % 10)
        elif choice == 1 and name in ("last_name", "first_name", "middle_name"):
            row[name] = "Ә" * draw(st.integers(99, 102))
        elif choice == 1 and name == "category":
            row[name] = draw(st.sampled_from(["regular", "sen", "SEN", "other"]))
    return row


@pytest.mark.django_db
class RowRuleAgreementTests:
    @FAST
    @given(st.lists(rows(NOBD_COLUMNS), min_size=1, max_size=12))
    def test_nobd_rows(self, batch):
        verdicts = sql_verdicts(batch, columns=NOBD_COLUMNS, category=False, school_bin=False, name_limit=False)
        for row, verdict in zip(batch, verdicts, strict=True):
            problems = [p for p in row_problems(row, columns=NOBD_COLUMNS, name_limit=False) if p[0] != "school_bin"]
            assert verdict is (not problems), (row, problems)

    @FAST
    @given(st.lists(rows(BULK_COLUMNS), min_size=1, max_size=12))
    def test_bulk_contingent_rows(self, batch):
        verdicts = sql_verdicts(batch, columns=BULK_COLUMNS, category=True, school_bin=True, name_limit=True)
        for row, verdict in zip(batch, verdicts, strict=True):
            assert verdict is (not row_problems(row, columns=BULK_COLUMNS)), (row, row_problems(row, columns=BULK_COLUMNS))

    def test_a_valid_row_passes_and_each_broken_value_is_named(self):
        birth = dt.date(2015, 3, 14)
        good = {"iin": make_iin(birth, "male", 7), "last_name": "Ахметов", "first_name": "Алихан", "middle_name": "",
                "birth_date": birth.isoformat(), "school_bin": make_bin(15, 6, 3), "grade": "3", "enrolled_on": "2025-09-01",
                "left_on": ""}
        assert row_problems(good, columns=NOBD_COLUMNS) == []
        broken = dict(good, birth_date="2015-03-15", grade="12", left_on="2025-08-31")
        assert {column for column, _message in row_problems(broken, columns=NOBD_COLUMNS)} == {"birth_date", "grade", "left_on"}
        assert sql_verdicts([good, broken], columns=NOBD_COLUMNS, category=False, school_bin=False, name_limit=False) == [True, False]


@pytest.mark.django_db
class IdentifierFunctionTests:
    @FAST
    @given(st.one_of(st.text(alphabet="0123456789", min_size=10, max_size=13), text, odd_text))
    @example("150314500123")
    def test_eq_id12_valid_and_eq_iin_birth_date_agree_with_python(self, value):
        with connection.cursor() as cursor:
            cursor.execute("SELECT eq_id12_valid(%s), eq_iin_birth_date(%s)", [value, value])
            valid, birth = cursor.fetchone()
        python_valid = len(value) == 12 and value.isascii() and value.isdigit() and check_digit(value[:11]) == int(value[11])
        assert valid is python_valid
        try:
            python_birth = parse_iin(value).birth_date if value == value.strip() else None
        except ValidationError:
            python_birth = None
        assert birth == python_birth

    @FAST
    @given(st.integers(0, 99), st.integers(0, 13), st.integers(0, 99999), st.sampled_from("3456"), st.sampled_from("01234"))
    def test_bin_ok_agrees_with_parse_bin(self, year, month, serial, entity, unit):
        body = f"{year:02d}{month:02d}{entity}{unit}{serial:05d}"
        digit = check_digit(body)
        value = body + str(digit if digit is not None else 0)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {bin_ok('x.v')} FROM (SELECT %s::text AS v) AS x", [value])
            verdict = cursor.fetchone()[0]
        try:
            parse_bin(value)
            expected = True
        except ValidationError:
            expected = False
        assert verdict is expected


def _valid_row() -> dict:
    birth = dt.date(2015, 3, 14)
    return {"iin": make_iin(birth, "male", 7), "last_name": "Ахметов", "first_name": "Алихан", "middle_name": "",
            "birth_date": birth.isoformat(), "school_bin": make_bin(15, 6, 3), "grade": "3", "enrolled_on": "2025-09-01",
            "left_on": "", "category": ""}


def _accepts(parser, value, **options) -> bool:
    try:
        parser(value, **options)
    except ValueError:
        return False
    return True


# Strings that look like dates and numbers, and strings that look like nothing at all.
date_texts = st.one_of(
    st.dates(min_value=dt.date(1700, 1, 1), max_value=dt.date(2200, 12, 31)).map(dt.date.isoformat),
    st.builds("{}-{}-{}".format, st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99)),
    st.text(alphabet="0123456789-./ T", max_size=12),
    st.text(alphabet="0123456789-٠١٢٣٤٥٦٧٨٩０１２３", max_size=10),
    text,
)
number_texts = st.one_of(st.integers(-20, 40).map(str), st.text(alphabet="0123456789-+ .,e_１٣", max_size=4), text)


@pytest.mark.django_db
class ParserAgreementTests:
    """SQL (``contingent.sql.row_check``, what the importers run) accepts exactly what ``core.parsing`` accepts."""

    @FAST
    @given(st.lists(date_texts, min_size=1, max_size=20))
    @example(["2025-9-1", "20250901", "2025-02-30", " 2025-09-01", "2025-09-01 ", "٢٠٢٥-٠٩-٠١", "２０２５-０９-０１",
              "1799-12-31", "1800-01-01", "2099-12-31", "2100-01-01", "2024-02-29", "2025-02-29", "+2025-09-01"])
    def test_dates(self, values):
        batch = [dict(_valid_row(), enrolled_on=value) for value in values]
        verdicts = sql_verdicts(batch, columns=BULK_COLUMNS, category=True, school_bin=True, name_limit=True)
        for value, verdict in zip(values, verdicts, strict=True):
            assert verdict is _accepts(parse_date, value), value

    @FAST
    @given(st.lists(number_texts, min_size=1, max_size=20))
    @example(["0", "11", "12", "-1", "05", " 5", "5 ", "+5", "5.0", "1e1", "１", "٣", "-0", ""])
    def test_grades(self, values):
        batch = [dict(_valid_row(), grade=value) for value in values]
        verdicts = sql_verdicts(batch, columns=BULK_COLUMNS, category=True, school_bin=True, name_limit=True)
        for value, verdict in zip(values, verdicts, strict=True):
            assert verdict is _accepts(parse_int, value, minimum=GRADE_MIN, maximum=GRADE_MAX), value


@pytest.mark.django_db
class IinCheckTests:
    """``contingent.sql.iin_check`` — the one SQL home of "the IIN is wrong for this birth date", used by the
    importers' row check and by the nightly rule P01 — refuses exactly what the Python rule refuses."""

    @FAST
    @given(st.dates(min_value=dt.date(1801, 1, 1), max_value=dt.date(2099, 12, 31)), st.integers(0, 9999),
           st.sampled_from(["same", "other_birth", "digit", "text"]), st.one_of(text, odd_text))
    @example(dt.date(2015, 3, 14), 7, "same", "")
    def test_the_sql_fragment_agrees_with_validate_iin_matches_birth_date(self, birth, serial, change, noise):
        from contingent.sql import iin_check

        iin = make_iin(birth, "female", serial) or "x"
        given_birth = birth
        if change == "other_birth":
            given_birth = birth + dt.timedelta(days=1)
        elif change == "digit" and len(iin) == 12:
            iin = iin[:11] + str((int(iin[11]) + 1) % 10)
        elif change == "text":
            iin = noise
        joins, wrong = iin_check("x.iin", "x.birth_date")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {wrong} FROM (SELECT %s::text AS iin, %s::text AS birth_date) AS x {joins}",
                           [iin, given_birth.isoformat()])
            verdict = cursor.fetchone()[0]
        try:
            validate_iin_matches_birth_date(iin, given_birth)
            python_wrong = False
        except ValidationError:
            python_wrong = True
        assert verdict is python_wrong, (iin, given_birth)

    def test_the_importers_and_the_rule_p01_use_the_same_fragment(self):
        from checks.rules.p01_iin import RULE
        from contingent.sql import iin_check

        _joins, wrong = iin_check("a.iin", "to_char(a.birth_date, 'YYYY-MM-DD')", prefix="p", suffix="s")
        assert wrong in RULE.sql
        row_joins, row_condition = row_check("t", category=False, school_bin=False, name_limit=False)
        assert iin_check("t.iin", "t.birth_date")[1] in row_condition
