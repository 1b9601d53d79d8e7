"""The one home of the small-numbers rule of the open data (CONTRACT, "Open data").

Any aggregate over fewer than ``MIN_PUPILS`` pupils is published as ``<5``: its value is not stored
in the public tables at all (the column is NULL, the mark says ``<5``; a CHECK constraint per figure
keeps the pair consistent). The rule applies to counts of pupils (contingent, pupil findings) and to
money over act lines (a month's accepted, paid and recovered amounts, a payment), counted in
distinct enrolments: with the norms public, money over two pupils tells as much as the count.

An aggregate over no pupil at all (a month with nothing paid yet) is 0 and says nothing about
anyone: it is shown. Figures that are not over pupils (places, budgets, contract totals, school
findings) are shown as they are.

**Complementary (secondary) suppression.** A withheld cell must not be worked out by subtraction
from the figures published next to it: a school's total minus its other levels, a region's total
minus its other schools. Each public table is a tree of sums (``Relation``: a total and its parts);
``withhold`` applies the rule to a whole tree at once: in any relation where exactly one cell (a
part or the total) is withheld, the smallest other part is withheld too (or the total, when there is
no other part), and again until no relation has a lone withheld cell. A cell withheld this way (over
5 or more pupils, or none) reads ``x`` (``Mark.WITHHELD``), and its value is not stored either.
The smallest part over ``SAFE_PUPILS`` or more is taken when there is one: an ``x`` over 5 to 8 pupils
would let a reader narrow the ``<5`` it protects (a ``<5`` and an ``x`` summing to 6 are 1 and 5).
``linked`` names cells that must share a fate (the accepted, paid and recovered money of one row,
which can be equal): withholding one withholds them all.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from opendata.choices import Mark

MIN_PUPILS = 5
# A complementary cell over at least this many pupils keeps a ``<5`` it protects anywhere in 1..4: the two sum to
# at least 1 + SAFE_PUPILS, and the ``x`` is known to be 5 or more, so the ``<5`` can be up to 4 still.
SAFE_PUPILS = 2 * MIN_PUPILS - 1
SMALL_TEXT = "<5"
WITHHELD_TEXT = "x"


@dataclass(frozen=True)
class Figure:
    """A published figure: the value (None when withheld) and its mark."""

    value: int | Decimal | None
    mark: str

    @property
    def public(self) -> int | Decimal | str:
        """What a reader sees: the value, ``<5`` or ``x``."""
        return self.value if self.mark == Mark.SHOWN else self.mark


def is_small(pupils: int) -> bool:
    """Whether an aggregate over ``pupils`` pupils must be withheld (1 to 4 pupils)."""
    return 0 < pupils < MIN_PUPILS


def figure(value, *, pupils: int) -> Figure:
    """``value`` as published, given the number of pupils it is an aggregate over."""
    if is_small(pupils):
        return Figure(None, Mark.SMALL)
    return Figure(value, Mark.SHOWN)


def public_value(value, mark: str):
    """A stored (value, mark) pair as a reader sees it: the value, ``<5`` or ``x``."""
    return Figure(value, mark).public


@dataclass(frozen=True)
class Relation:
    """A published total and the published parts it is the sum of."""

    total: Hashable
    parts: tuple[Hashable, ...]


def withhold(values: dict, pupils: dict, relations: Iterable[Relation],
             linked: Callable[[Hashable], Iterable[Hashable]] | None = None) -> dict:
    """Every cell of one published tree as a ``Figure``: the small-numbers rule, then complementary suppression.

    ``values`` and ``pupils`` map each cell (any hashable key, in a deterministic order) to its value
    and the number of pupils it is over. A cell over 1 to 4 pupils reads ``<5``; then, while some
    relation has exactly one withheld cell, its smallest other part — one over ``SAFE_PUPILS`` or more
    first, then a non-zero value, then the earliest cell — or its total, when every part is withheld,
    reads ``x``.
    """
    order = {key: index for index, key in enumerate(values)}
    small = {key for key in values if is_small(pupils.get(key, 0))}
    withheld = set(small)
    relations = [relation for relation in relations if relation.parts]

    def hide(key) -> None:
        withheld.add(key)
        for other in linked(key) if linked else ():
            if other in values:
                withheld.add(other)

    changed = True
    while changed:
        changed = False
        for relation in relations:
            cells = [relation.total, *relation.parts]
            if sum(cell in withheld for cell in cells) != 1:
                continue
            candidates = [part for part in relation.parts if part not in withheld] or [relation.total]
            hide(min(candidates, key=lambda key: (pupils.get(key, 0) < SAFE_PUPILS, values[key] == 0, values[key], order[key])))
            changed = True
    return {key: Figure(None, Mark.SMALL) if key in small
            else Figure(None, Mark.WITHHELD) if key in withheld
            else Figure(value, Mark.SHOWN)
            for key, value in values.items()}
