"""An attacker of the open data: which withheld figures can be worked out exactly from the published ones?

Every published sum (a total and its parts) is a linear equation; the withheld cells are the
unknowns. A withheld cell is worked out when its unit vector lies in the row space of the equations'
coefficients over the unknowns (exact Gaussian elimination over fractions): then some combination of
the published equations isolates it. This is the strongest subtraction attack there is on sums.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from fractions import Fraction


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [row[:] for row in rows if any(row)]
    rank, column, width = 0, 0, len(rows[0]) if rows else 0
    while rank < len(rows) and column < width:
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            column += 1
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
        column += 1
    return rank


def recoverable(equations: Iterable[tuple[Hashable, Iterable[Hashable]]], withheld: set) -> set:
    """The withheld cells that the equations ``total = sum(parts)`` determine exactly."""
    unknowns = sorted(withheld, key=repr)
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows = []
    for total, parts in equations:
        row = [Fraction(0)] * len(unknowns)
        if total in index:
            row[index[total]] -= 1
        for part in parts:
            if part in index:
                row[index[part]] += 1
        if any(row):
            rows.append(row)
    if not rows:
        return set()
    base = _rank(rows)
    found = set()
    for cell in unknowns:
        unit = [Fraction(0)] * len(unknowns)
        unit[index[cell]] = Fraction(1)
        if _rank([*rows, unit]) == base:
            found.add(cell)
    return found
