"""The school year and month arithmetic, and proof that their SQL fragments agree with Python."""

import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calendar import (
    add_months,
    add_working_days,
    day_of_next_month,
    day_of_next_month_sql,
    days_in_month,
    days_in_month_sql,
    is_whole_months,
    month_count,
    month_end,
    month_end_sql,
    months_between,
    school_year_bounds,
    school_year_of,
    school_year_start,
)

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))


class SchoolYearTests:
    def test_the_school_year_starts_on_1_september_before_or_on_the_day(self):
        assert school_year_start(dt.date(2025, 11, 20)) == dt.date(2025, 9, 1)
        assert school_year_start(dt.date(2026, 8, 31)) == dt.date(2025, 9, 1)
        assert school_year_start(dt.date(2025, 9, 1)) == dt.date(2025, 9, 1)
        assert school_year_of(dt.date(2026, 3, 1)) == 2025

    def test_a_school_year_ends_on_31_august(self):
        assert school_year_bounds(2025) == (dt.date(2025, 9, 1), dt.date(2026, 8, 31))

    @given(day=dates)
    def test_every_day_lies_in_the_school_year_that_contains_it(self, day):
        start, end = school_year_bounds(school_year_of(day))
        assert start == school_year_start(day) <= day <= end


class MonthTests:
    def test_months_between_lists_first_days_inclusive(self):
        assert months_between(dt.date(2025, 9, 15), dt.date(2025, 11, 1)) == [
            dt.date(2025, 9, 1), dt.date(2025, 10, 1), dt.date(2025, 11, 1)]
        assert month_count(dt.date(2025, 9, 1), dt.date(2026, 5, 31)) == 9
        assert month_count(dt.date(2025, 9, 1), dt.date(2025, 8, 31)) == 0

    def test_days_in_month_month_end_and_the_fifth_of_the_next_month(self):
        assert [days_in_month(dt.date(year, 2, 1)) for year in (2025, 2028)] == [28, 29]
        assert month_end(dt.date(2025, 12, 3)) == dt.date(2025, 12, 31)
        assert day_of_next_month(dt.date(2025, 12, 1), 5) == dt.date(2026, 1, 5)
        assert is_whole_months(dt.date(2025, 9, 1), dt.date(2026, 5, 31))
        assert not is_whole_months(dt.date(2025, 9, 2), dt.date(2026, 5, 31))

    def test_months_later_end_on_the_last_day_of_a_shorter_month(self):
        assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
        assert add_months(dt.date(2027, 12, 31), 2) == dt.date(2028, 2, 29)
        assert add_months(dt.date(2025, 8, 20), 12) == dt.date(2026, 8, 20)
        assert add_months(dt.date(2025, 11, 30), 0) == dt.date(2025, 11, 30)

    @given(day=dates, months=st.integers(min_value=0, max_value=240))
    def test_months_later_land_in_the_month_counted_and_never_after_the_same_day(self, day, months):
        later = add_months(day, months)
        assert month_count(day, later) == months + 1
        assert later.day == min(day.day, days_in_month(later))

    @given(first=dates, last=dates)
    def test_the_month_count_is_the_length_of_the_month_list(self, first, last):
        assert month_count(first, last) == len(months_between(first, last))


@pytest.mark.django_db
class CalendarSqlTests:
    """Every SQL fragment of ``core.calendar`` gives what its Python twin gives, for any date."""

    @settings(max_examples=200, deadline=None)
    @given(day=dates, number=st.integers(min_value=1, max_value=28))
    def test_the_database_computes_the_same_month_arithmetic(self, day, number):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {month_end_sql('%(d)s')}, {days_in_month_sql('%(d)s')}, {day_of_next_month_sql('%(d)s', number)}",
                {"d": day},
            )
            assert cursor.fetchone() == (month_end(day), days_in_month(day), day_of_next_month(day, number))


class WorkingDayTests:
    def test_working_days_skip_weekends_and_the_holidays_given(self):
        assert add_working_days(dt.date(2025, 11, 3), 10) == dt.date(2025, 11, 17)
        assert add_working_days(dt.date(2025, 11, 3), 10, {dt.date(2025, 11, 5)}) == dt.date(2025, 11, 18)
        # From a Friday: the weekend does not count, the holiday on Tuesday neither.
        assert add_working_days(dt.date(2025, 12, 12), 5, {dt.date(2025, 12, 16)}) == dt.date(2025, 12, 22)
        assert add_working_days(dt.date(2025, 12, 12), 0) == dt.date(2025, 12, 12)
