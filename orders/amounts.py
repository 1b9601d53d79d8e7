"""Money and periods of state orders and contracts: the one place where they are computed.

Contract total (and the money an approval commits from the order's budget)::

    total = Σ over levels ( places × monthly per-capita norm × months of the period )

rounded half-up to 0.01 KZT once, on the sum. Places and months are whole numbers and norms
have two decimals, so the sum is already exact to the tiyn; the rounding is stated (and done)
so that the rule stays true if norms ever get more decimals. The coefficient for pupils with
special educational needs (``sen``) is not part of the total: it applies to the lines of the
monthly acts (CONTRACT "Money"), which the department accepts against the contract.

The period is a run of whole calendar months inside one school year (1 September to 31 August):
it starts on the 1st of a month and ends on the last day of a month (``core.calendar``: school
years, whole months, month counts).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core.money import round_money


def levels_total(rows: Iterable[tuple[int, Decimal]], periods: int) -> Decimal:
    """Σ places × norm × periods over ``rows`` of (places, norm per period), rounded once.

    A period is a month, or for a term programme an academic term (``programmes.periods``)."""
    exact = sum((Decimal(places) * Decimal(norm) * periods for places, norm in rows), Decimal(0))
    return round_money(exact)
