"""Months and deadlines of acts.

* An act for month M is due by the 5th of M+1 (``act_due_on``).
* The department reviews it within 10 working days of its submission (``review_due_on``):
  Monday to Friday, except the public holidays in the ``Holiday`` table.
"""

from __future__ import annotations

import datetime as dt

SUBMISSION_DAY = 5  # the act for month M is due by this day of M+1
REVIEW_WORKING_DAYS = 10


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from ``first``'s month to ``last``'s month, inclusive."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def parse_month(value: str) -> dt.date:
    """``YYYY-MM`` (or a full date) → the first day of that month; ValueError otherwise."""
    value = (value or "").strip()
    try:
        if len(value) == 7:
            year, month = value.split("-")
            return dt.date(int(year), int(month), 1)
        return month_start(dt.date.fromisoformat(value))
    except (ValueError, TypeError):
        raise ValueError(value) from None


def act_due_on(month: dt.date) -> dt.date:
    return next_month(month).replace(day=SUBMISSION_DAY)


def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    from acts.models import Holiday

    return set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def add_working_days(start: dt.date, count: int, holidays: set[dt.date] | None = None) -> dt.date:
    """The ``count``-th working day after ``start`` (Mon–Fri, not a holiday)."""
    if holidays is None:
        holidays = holidays_between(start, start + dt.timedelta(days=count * 3 + 30))
    day, found = start, 0
    while found < count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            found += 1
    return day


def review_due_on(submitted: dt.date) -> dt.date:
    return add_working_days(submitted, REVIEW_WORKING_DAYS)
