"""Answer deadlines in working days: Monday to Friday, except the public holidays of the holiday table.

The holiday table belongs to the acts of services rendered (``payments.Holiday`` today, moving to
``acts``); it is read here through ``holidays_between`` only, by model name, so that this app does
not import an app above it.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps

HOLIDAY_MODEL = "payments.Holiday"  # becomes "acts.Holiday" when the acts app lands


def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    try:
        model = apps.get_model(HOLIDAY_MODEL)
    except LookupError:
        model = apps.get_model("acts.Holiday")
    return set(model.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start``."""
    holidays = holidays_between(start, start + dt.timedelta(days=count * 3 + 30))
    day, left = start, count
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day
