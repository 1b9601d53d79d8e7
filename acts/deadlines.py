"""Months and deadlines of acts.

* An act for month M is due by the 5th of M+1 (``act_due_on``).
* The department reviews it within 10 working days of its submission (``review_due_on``):
  Monday to Friday, except the public holidays in the ``Holiday`` table.

``holidays_between`` is the one read of the holiday table and ``working_day_after`` counts working
days with it (the counting itself is ``core.calendar.add_working_days``); procurement uses them for
the supplier's warranty deadline.
"""

from __future__ import annotations

import datetime as dt

from core import parsing
from core.calendar import add_working_days, day_of_next_month

SUBMISSION_DAY = 5  # the act for month M is due by this day of M+1
REVIEW_WORKING_DAYS = 10


def parse_month(value: str) -> dt.date:
    """``YYYY-MM`` (or a full date) → the first day of that month; ValueError otherwise (``core.parsing``)."""
    return parsing.parse_month((value or "").strip())


def act_due_on(month: dt.date) -> dt.date:
    return day_of_next_month(month, SUBMISSION_DAY)


def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    from acts.models import Holiday

    return set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def working_day_after(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start``: Monday to Friday, not a holiday of the table."""
    # Read far enough ahead for ``count`` working days, the weekends between and weeks of holidays.
    holidays = holidays_between(start, start + dt.timedelta(days=count * 3 + 30))
    return add_working_days(start, count, holidays)


def review_due_on(submitted: dt.date) -> dt.date:
    return working_day_after(submitted, REVIEW_WORKING_DAYS)
