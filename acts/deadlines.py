"""Months and deadlines of acts.

* An act for month M is due by the 5th of M+1 (``act_due_on``).
* The department reviews it within 10 working days of its submission (``review_due_on``):
  Monday to Friday, except the public holidays in the ``Holiday`` table.
"""

from __future__ import annotations

import datetime as dt

from core.calendar import day_of_next_month, month_start

SUBMISSION_DAY = 5  # the act for month M is due by this day of M+1
REVIEW_WORKING_DAYS = 10


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
    return day_of_next_month(month, SUBMISSION_DAY)


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
