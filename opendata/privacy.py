"""The one home of the small-numbers rule of the open data (CONTRACT, "Open data").

Any aggregate over fewer than ``MIN_PUPILS`` pupils is published as ``<5``: its value is not stored
in the public tables at all (the column is NULL, the mark says ``<5``; a CHECK constraint per figure
keeps the pair consistent). The rule applies to counts of pupils (contingent, pupil findings) and to
money over act lines (a month's accepted, paid and recovered amounts, a payment), counted in
distinct enrolments: with the norms public, money over two pupils tells as much as the count.

An aggregate over no pupil at all (a month with nothing paid yet) is 0 and says nothing about
anyone: it is shown. Figures that are not over pupils (places, budgets, contract totals, school
findings) are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opendata.choices import Mark

MIN_PUPILS = 5
SMALL_TEXT = "<5"


@dataclass(frozen=True)
class Figure:
    """A published figure: the value (None when withheld) and its mark."""

    value: int | Decimal | None
    mark: str

    @property
    def public(self) -> int | Decimal | str:
        """What a reader sees: the value, or ``<5``."""
        return SMALL_TEXT if self.mark == Mark.SMALL else self.value


def is_small(pupils: int) -> bool:
    """Whether an aggregate over ``pupils`` pupils must be withheld (1 to 4 pupils)."""
    return 0 < pupils < MIN_PUPILS


def figure(value, *, pupils: int) -> Figure:
    """``value`` as published, given the number of pupils it is an aggregate over."""
    if is_small(pupils):
        return Figure(None, Mark.SMALL)
    return Figure(value, Mark.SHOWN)


def public_value(value, mark: str):
    """A stored (value, mark) pair as a reader sees it: the value or ``<5``."""
    return Figure(value, mark).public
