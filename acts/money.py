"""The CONTRACT money rule, in one place.

    line amount = monthly norm × category coefficient × days enrolled ÷ days in the month,
                  rounded half-up to 0.01 KZT once per line;     act total = sum of its lines.

``core.money.round_money`` is the one rounding in Python; the database does the same in the one SQL
function ``acts_line_amount`` (created by payments migration 0002 as ``payments_line_amount``,
renamed by acts migration 0001; used by the set-based act build). A property test proves the two
agree. Values are ``Decimal``, never float.
"""

from __future__ import annotations

from decimal import Decimal

from core.money import TIYN, ZERO, round_money

__all__ = ["TIYN", "ZERO", "round_money", "line_amount", "prorated", "SQL_LINE_AMOUNT"]

# The SQL twin of ``line_amount`` (payments migration 0002 created it; acts migration 0001 renamed it).
SQL_LINE_AMOUNT = "acts_line_amount"
SQL_LINE_AMOUNT_DEFINITION = f"""
CREATE OR REPLACE FUNCTION {SQL_LINE_AMOUNT}(norm numeric, coefficient numeric, days integer, days_in_month integer)
RETURNS numeric(16, 2)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    -- numeric division is exact enough that the half-up rounding below is the exact one
    -- (round() on a positive numeric rounds half away from zero = half-up).
    SELECT round(norm * coefficient * days / days_in_month, 2)::numeric(16, 2)
$$;
"""


def prorated(*, amount: Decimal, days: int, period_days: int) -> Decimal:
    """The proration of the money rule: ``amount`` for a whole period, for ``days`` of its ``period_days``
    (exact until the single half-up rounding). An act line prorates its norm × coefficient over the
    month (``line_amount``); the final report prorates places × norm over a month or a term
    (``payments.reports``)."""
    if not 0 <= days <= period_days:
        raise ValueError("the days counted must lie within the period")
    return round_money(Decimal(amount) * days / period_days)


def line_amount(*, norm: Decimal, coefficient: Decimal, days: int, month_days: int) -> Decimal:
    """The amount of one act line by the CONTRACT rule (exact until the single rounding)."""
    if not 0 <= days <= month_days:
        raise ValueError("days enrolled must lie within the month")
    return prorated(amount=Decimal(norm) * Decimal(coefficient), days=days, period_days=month_days)
