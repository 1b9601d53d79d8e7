"""The CONTRACT late-delivery penalty, in one place, with its SQL twin.

For the units of a contract row (item × school) not accepted by ``delivery_due``:

    penalty = 0.1 % × unit_price × late units × days late,
              capped at 10 % of unit_price × late units,
              rounded half-up to 0.01 KZT once per row.

Units of one row may be accepted on different days; each late unit then counts its own days
late, so "late units × days late" is the sum over the late units of their days (unit-days): on
each day the penalty grows by 0.1 % of the value of the units still late that day. When every
late unit has the same days late this is the CONTRACT's product exactly.

As of a day D (capped by the day a closed or terminated contract ended):

* nothing is late while D ≤ ``delivery_due``;
* late units = quantity − units accepted on or before ``delivery_due``;
* a late unit accepted on day A ≤ D is late A − due days; one not accepted by D (never delivered,
  still under inspection, rejected and not yet replaced, or accepted after D) D − due days.

``late_units``, ``unit_days``, ``outstanding_units`` and ``penalty_amount`` are the Python rule; the
SQL functions ``procurement_late_units``, ``procurement_unit_days``, ``procurement_outstanding_units``
and ``procurement_penalty`` (migration 0002) are the same rule for set-based queries (overdue lists, red flag PR07). A property test
(hypothesis) proves that the two give the same results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from core.money import round_money

DAILY_RATE = Decimal("0.001")  # 0.1 % of the late units' value per day
CAP_RATE = Decimal("0.1")  # at most 10 % of the late units' value
CAP_DAYS = int(CAP_RATE / DAILY_RATE)  # 100 unit-days per late unit reach the cap

SQL_LATE_UNITS = "procurement_late_units"
SQL_UNIT_DAYS = "procurement_unit_days"
SQL_PENALTY = "procurement_penalty"
SQL_OUTSTANDING = "procurement_outstanding_units"

# The migration keeps its own verbatim copy; a test compares the functions in the database with this text.
SQL_DEFINITIONS = """
CREATE OR REPLACE FUNCTION procurement_late_units(quantity integer, due date, accepted date[], as_of date)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN as_of <= due THEN 0
                ELSE quantity - (SELECT count(*) FROM unnest(coalesce(accepted, '{}'::date[])) AS a WHERE a <= due)::integer
           END
$$;

CREATE OR REPLACE FUNCTION procurement_unit_days(quantity integer, due date, accepted date[], as_of date)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN as_of <= due THEN 0::bigint
                ELSE (SELECT coalesce(sum(a - due), 0) FROM unnest(coalesce(accepted, '{}'::date[])) AS a
                      WHERE a > due AND a <= as_of)::bigint
                     + (procurement_late_units(quantity, due, accepted, as_of)
                        - (SELECT count(*) FROM unnest(coalesce(accepted, '{}'::date[])) AS a
                           WHERE a > due AND a <= as_of))::bigint * (as_of - due)
           END
$$;

CREATE OR REPLACE FUNCTION procurement_outstanding_units(quantity integer, accepted date[], as_of date)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT greatest(quantity - (SELECT count(*) FROM unnest(coalesce(accepted, '{}'::date[])) AS a WHERE a <= as_of)::integer, 0)
$$;

CREATE OR REPLACE FUNCTION procurement_penalty(unit_price numeric, late_units integer, unit_days bigint)
RETURNS numeric(16, 2)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    -- exact numeric products; round() of a non-negative numeric is half-up: the one rounding
    SELECT round(least(unit_price * unit_days * 0.001, unit_price * late_units * 0.1), 2)::numeric(16, 2)
$$;
"""

SQL_DROP = """
DROP FUNCTION IF EXISTS procurement_penalty(numeric, integer, bigint);
DROP FUNCTION IF EXISTS procurement_outstanding_units(integer, date[], date);
DROP FUNCTION IF EXISTS procurement_unit_days(integer, date, date[], date);
DROP FUNCTION IF EXISTS procurement_late_units(integer, date, date[], date);
"""


def late_units(*, quantity: int, due: dt.date, accepted: Iterable[dt.date], as_of: dt.date) -> int:
    """Units of the row not accepted by ``due``, once ``as_of`` is past it (0 before)."""
    if as_of <= due:
        return 0
    return quantity - sum(1 for day in accepted if day <= due)


def unit_days(*, quantity: int, due: dt.date, accepted: Iterable[dt.date], as_of: dt.date) -> int:
    """Σ over the late units of their days late, as of ``as_of``."""
    if as_of <= due:
        return 0
    accepted = list(accepted)
    late_accepted = [day for day in accepted if due < day <= as_of]
    outstanding = late_units(quantity=quantity, due=due, accepted=accepted, as_of=as_of) - len(late_accepted)
    return sum((day - due).days for day in late_accepted) + outstanding * (as_of - due).days


def outstanding_units(*, quantity: int, accepted: Iterable[dt.date], as_of: dt.date) -> int:
    """Units of the row not accepted as of ``as_of`` (late or not)."""
    return max(quantity - sum(1 for day in accepted if day <= as_of), 0)


def penalty_amount(*, unit_price: Decimal, late_units: int, unit_days: int) -> Decimal:
    """The penalty of one row: 0.1 % per unit-day, capped at 10 % of the late units' value, rounded once."""
    if not isinstance(unit_price, Decimal):
        raise TypeError("unit_price must be a Decimal")
    if late_units < 0 or unit_days < 0:
        raise ValueError("late units and unit-days cannot be negative")
    return round_money(min(unit_price * unit_days * DAILY_RATE, unit_price * late_units * CAP_RATE))


@dataclass(frozen=True)
class Lateness:
    """A row's lateness as of a day: what the penalty is computed from, and whether it can still grow."""

    as_of: dt.date
    late_units: int
    unit_days: int
    amount: Decimal
    outstanding: int  # units not accepted as of ``as_of``
    ended: bool = False  # the contract ended (closed or terminated): lateness stopped counting

    @property
    def is_late(self) -> bool:
        return self.late_units > 0

    @property
    def capped(self) -> bool:
        return self.late_units > 0 and self.unit_days >= self.late_units * CAP_DAYS

    @property
    def is_final(self) -> bool:
        """The amount can no longer change: nothing outstanding, the cap reached, or the contract ended.

        The SQL twin is ``procurement.selectors.lines_with_lateness``'s ``penalty_final``.
        """
        return self.outstanding == 0 or self.capped or self.ended


def lateness(*, quantity: int, due: dt.date, accepted: Iterable[dt.date], as_of: dt.date, unit_price: Decimal,
             ended: bool = False) -> Lateness:
    accepted = list(accepted)
    late = late_units(quantity=quantity, due=due, accepted=accepted, as_of=as_of)
    days = unit_days(quantity=quantity, due=due, accepted=accepted, as_of=as_of)
    return Lateness(as_of=as_of, late_units=late, unit_days=days,
                    amount=penalty_amount(unit_price=unit_price, late_units=late, unit_days=days),
                    outstanding=outstanding_units(quantity=quantity, accepted=accepted, as_of=as_of), ended=ended)
