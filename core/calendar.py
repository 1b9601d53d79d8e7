"""The calendar of the state order: the school year and month arithmetic, written once.

* The school year containing a day starts on 1 September (CONTRACT "Finding codes": P07 measures
  age on that day) and ends on 31 August: ``school_year_start``, ``school_year_of``,
  ``school_year_bounds``.
* Months are named by their first day: ``month_start``, ``month_end``, ``next_month``,
  ``days_in_month``, ``months_between`` (the months from one day's month to another's, inclusive),
  ``month_count`` (how many), ``day_of_next_month`` (say, the 5th of M+1), ``add_months`` (the same
  day some months later, as a warranty period ends).
* Working days are Monday to Friday except public holidays: ``add_working_days`` counts them. The
  holidays are given by the caller; the table of public holidays is ``acts.Holiday``, read by
  ``acts.deadlines.holidays_between`` (``acts.deadlines.working_day_after`` does both).

Where SQL needs the same arithmetic it takes the fragment from here (``month_end_sql``,
``days_in_month_sql``, ``day_of_next_month_sql``); ``tests/core/test_calendar.py`` proves on real
PostgreSQL that each fragment agrees with its Python twin for any date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Container

SCHOOL_YEAR_START_MONTH = 9  # 1 September


def school_year_of(day: dt.date) -> int:
    """The calendar year in which the school year containing ``day`` started."""
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


def school_year_start(day: dt.date) -> dt.date:
    """1 September of the school year containing ``day``."""
    return dt.date(school_year_of(day), SCHOOL_YEAR_START_MONTH, 1)


def school_year_bounds(school_year: int) -> tuple[dt.date, dt.date]:
    """1 September of ``school_year`` and 31 August of the next year."""
    start = dt.date(school_year, SCHOOL_YEAR_START_MONTH, 1)
    return start, dt.date(school_year + 1, SCHOOL_YEAR_START_MONTH, 1) - dt.timedelta(days=1)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def days_in_month(day: dt.date) -> int:
    """The number of days of ``day``'s month."""
    return calendar.monthrange(day.year, day.month)[1]


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return day.replace(day=days_in_month(day))


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s month."""
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def day_of_next_month(day: dt.date, number: int) -> dt.date:
    """Day ``number`` of the month after ``day``'s month (an act for month M is due on the 5th of M+1)."""
    return next_month(day).replace(day=number)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from ``first``'s month to ``last``'s month, both included."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def month_count(first: dt.date, last: dt.date) -> int:
    """How many calendar months from ``first``'s month to ``last``'s month, both included (0 if reversed)."""
    return max((last.year - first.year) * 12 + (last.month - first.month) + 1, 0)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when that month is shorter: 31 January + 1 → 28 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    first = dt.date(year, month + 1, 1)
    return first.replace(day=min(day.day, days_in_month(first)))


def add_working_days(start: dt.date, count: int, holidays: Container[dt.date] = frozenset()) -> dt.date:
    """The ``count``-th working day after ``start`` (Monday to Friday, not one of ``holidays``)."""
    day, found = start, 0
    while found < count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            found += 1
    return day


def is_whole_months(start: dt.date, end: dt.date) -> bool:
    """``start``–``end`` is a run of whole calendar months."""
    return start.day == 1 and end == month_end(end) and start <= end


# --- the same arithmetic in SQL (``expr`` is any SQL expression of type date) ---------------

def month_end_sql(expr: str) -> str:
    """SQL: the last day of the month of ``expr`` (``month_end``)."""
    return f"((date_trunc('month', ({expr})::date) + interval '1 month - 1 day')::date)"


def days_in_month_sql(expr: str) -> str:
    """SQL: the number of days of the month of ``expr`` (``days_in_month``), an integer."""
    return f"(extract(day FROM date_trunc('month', ({expr})::date) + interval '1 month - 1 day')::int)"


def day_of_next_month_sql(expr: str, number: int) -> str:
    """SQL: day ``number`` of the month after ``expr``'s month (``day_of_next_month``)."""
    return f"((date_trunc('month', ({expr})::date) + interval '1 month' + interval '{int(number) - 1} days')::date)"
