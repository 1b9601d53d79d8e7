"""Money and periods of state orders and contracts: the one place where they are computed.

Contract total (and the money an approval commits from the order's budget)::

    total = Σ over levels ( places × monthly per-capita norm × months of the period )

rounded half-up to 0.01 KZT once, on the sum. Places and months are whole numbers and norms
have two decimals, so the sum is already exact to the tiyn; the rounding is stated (and done)
so that the rule stays true if norms ever get more decimals. The coefficient for pupils with
special educational needs (``sen``) is not part of the total: it applies to the lines of the
monthly acts (CONTRACT "Money"), which the department accepts against the contract.

The period is a run of whole calendar months inside one school year (1 September to 31 August):
it starts on the 1st of a month and ends on the last day of a month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from core.money import round_money


def school_year_bounds(school_year: int) -> tuple[dt.date, dt.date]:
    """1 September of ``school_year`` and 31 August of the next year."""
    return dt.date(school_year, 9, 1), dt.date(school_year + 1, 8, 31)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def is_whole_months(start: dt.date, end: dt.date) -> bool:
    return start.day == 1 and end == month_end(end) and start <= end


def months_between(start: dt.date, end: dt.date) -> int:
    """Calendar months from ``start``'s month to ``end``'s month, both included."""
    return (end.year - start.year) * 12 + (end.month - start.month) + 1


def levels_total(rows: Iterable[tuple[int, Decimal]], months: int) -> Decimal:
    """Σ places × monthly norm × months over ``rows`` of (places, monthly norm), rounded once."""
    exact = sum((Decimal(places) * Decimal(norm) * months for places, norm in rows), Decimal(0))
    return round_money(exact)
