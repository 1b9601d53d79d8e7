"""Calendar arithmetic of procurement: warranty periods and the supplier's response deadline.

Working days are Monday to Friday except the public holidays of the holiday table. The table
belongs to the acts part (today ``payments.Holiday``, moving to ``acts``); procurement reads it
only through ``holidays_between``, by model name, so that it imports no app above it.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.apps import apps
from django.conf import settings

# re-point at merge: the holiday table moves from payments to acts (or to core's calendar)
HOLIDAY_MODEL = "payments.Holiday"


def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    """The public holidays from ``start`` to ``end`` inclusive (the one read of the holiday table)."""
    model = apps.get_model(HOLIDAY_MODEL)
    return set(model.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def add_working_days(start: dt.date, count: int, holidays: set[dt.date] | None = None) -> dt.date:
    """The ``count``-th working day after ``start`` (Mon–Fri, not a holiday).

    # moves to core's calendar at merge (payments.deadlines has the same rule for act reviews)
    """
    if holidays is None:
        holidays = holidays_between(start, start + dt.timedelta(days=count * 3 + 30))
    day, found = start, 0
    while found < count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            found += 1
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter). # moves to core's calendar at merge"""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def warranty_ends_on(accepted_on: dt.date, warranty_months: int) -> dt.date:
    """The last day of a unit's warranty: ``warranty_months`` after the day it was accepted."""
    return add_months(accepted_on, warranty_months)


def response_due_on(filed_on: dt.date) -> dt.date:
    """The supplier answers a warranty claim within ``PROCUREMENT_WARRANTY_RESPONSE_DAYS`` working days."""
    return add_working_days(filed_on, settings.PROCUREMENT_WARRANTY_RESPONSE_DAYS)
