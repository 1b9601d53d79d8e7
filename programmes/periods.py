"""The periods of a programme: calendar months, or the programme's academic terms.

An act covers one period (``Act.month`` = its first day, ``Act.period_end`` = its last); a contract
total counts the periods of its service period (Σ places × norm × periods).
"""

from __future__ import annotations

import datetime as dt

from core.calendar import month_end, month_start, months_between
from programmes.choices import Period


def periods_between(programme, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The periods of ``programme`` inside ``start``–``end``: every month touched, or the terms lying within."""
    if programme.period == Period.MONTH:
        return [(month, month_end(month)) for month in months_between(start, end)]
    return [(term.start, term.end) for term in programme.terms.all() if start <= term.start and term.end <= end]


def period_starting(programme, day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The period of ``programme`` that begins in ``day``'s month (None: no term starts then)."""
    first = month_start(day)
    if programme.period == Period.MONTH:
        return first, month_end(first)
    for term in programme.terms.all():
        if term.start == first:
            return term.start, term.end
    return None
