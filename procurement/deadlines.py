"""Calendar arithmetic of procurement: warranty periods and the supplier's response deadline.

The arithmetic is ``core.calendar``'s (``add_months``); working days are Monday to Friday except the
public holidays of the holiday table, counted by ``acts.deadlines.working_day_after`` — the one read
of that table, which the act review deadline uses too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from acts.deadlines import working_day_after
from core.calendar import add_months


def warranty_ends_on(accepted_on: dt.date, warranty_months: int) -> dt.date:
    """The last day of a unit's warranty: ``warranty_months`` after the day it was accepted."""
    return add_months(accepted_on, warranty_months)


def response_due_on(filed_on: dt.date) -> dt.date:
    """The supplier answers a warranty claim within ``PROCUREMENT_WARRANTY_RESPONSE_DAYS`` working days."""
    return working_day_after(filed_on, settings.PROCUREMENT_WARRANTY_RESPONSE_DAYS)
