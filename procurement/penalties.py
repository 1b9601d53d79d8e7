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

``late_units``, ``unit_days`` and ``penalty_amount`` are the Python rule; the SQL functions
``procurement_late_units``, ``procurement_unit_days`` and ``procurement_penalty`` (migration
0002) are the same rule for set-based queries (overdue lists, red flag PR07). A property test
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

SQL_LATE_UNITS = "procurement_late_units"
SQL_UNIT_DAYS = "procurement_unit_days"
SQL_PENALTY = "procurement_penalty"

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
    capped: bool
    outstanding: int  # late units not yet accepted as of ``as_of``

    @property
    def is_late(self) -> bool:
        return self.late_units > 0

    @property
    def is_final(self) -> bool:
        """The amount can no longer change: nothing is outstanding, or the cap is reached."""
        return self.outstanding == 0 or self.capped


def lateness(*, quantity: int, due: dt.date, accepted: Iterable[dt.date], as_of: dt.date, unit_price: Decimal) -> Lateness:
    accepted = list(accepted)
    late = late_units(quantity=quantity, due=due, accepted=accepted, as_of=as_of)
    days = unit_days(quantity=quantity, due=due, accepted=accepted, as_of=as_of)
    outstanding = late - sum(1 for day in accepted if due < day <= as_of) if late else 0
    capped = late > 0 and days * DAILY_RATE >= late * CAP_RATE  # 0.1 % a unit-day reaches 10 % a unit
    return Lateness(as_of=as_of, late_units=late, unit_days=days,
                    amount=penalty_amount(unit_price=unit_price, late_units=late, unit_days=days),
                    capped=capped, outstanding=outstanding)
