"""NOBD history stored by change: the one home of "the rows of snapshot S".

Every NOBD snapshot is a full national file (about 4 M rows), yet from one night to the next only
a small share of its rows changes. ``contingent_nobdhistory`` (migration ``contingent.0005``) keeps
each distinct row once per stretch of snapshots that had it:

* ``valid_from`` — the snapshot (its id: snapshots are numbered in the order they were imported)
  whose import first had the row;
* ``valid_to`` — the first later import that no longer had it; NULL while the latest import still
  has it (the row is *live*).

A row is in snapshot S exactly when ``valid_from ≤ S < valid_to`` (``in_snapshot_sql``), so every
snapshot still stored reads back as the set of rows of its file, while storage grows with the
changes, not with the number of snapshots. ``nobd_import`` computes the difference set-based (one
hash join of the file against the live rows): rows it no longer has are closed, new ones added.
A snapshot is the *set* of its distinct rows: a row repeated exactly in one file (the same value in
every column) is stored once. The file's row count and SHA-256 stay on the snapshot. An empty value
is an empty string (CSV writes "none" and ``""`` alike); readers treat ``''`` as "no date".

Only a ready snapshot has rows (``contingent.choices.SnapshotStatus``): while one is importing its
new rows are not yet committed, and once one is pruned (``nobd_prune``) the rows that only it had
are deleted. Readers therefore go through a ready snapshot: ``snapshot_rows_sql`` (the rows of a
snapshot whose readiness the caller checked) or the view ``contingent_nobdrow`` (``snapshot_id`` and
the nine columns of every ready snapshot, for ad-hoc reading and for code written against the old
one-partition-per-snapshot table).
"""

from __future__ import annotations

from integrations.nobd import NOBD_COLUMNS

HISTORY_TABLE = "contingent_nobdhistory"
ROWS_VIEW = "contingent_nobdrow"
COLUMNS = ", ".join(NOBD_COLUMNS)


def in_snapshot_sql(alias: str, snapshot: str) -> str:
    """SQL: the history row ``alias`` belongs to the snapshot whose id is the SQL expression ``snapshot``."""
    return f"({alias}.valid_from <= {snapshot} AND ({alias}.valid_to IS NULL OR {alias}.valid_to > {snapshot}))"


def snapshot_rows_sql(snapshot: str, alias: str = "h") -> str:
    """A subquery: the nine columns of every row of the snapshot ``snapshot`` (an SQL expression).

    The caller makes sure the snapshot is ready (a pruned snapshot has lost the rows only it had).
    """
    columns = ", ".join(f"{alias}.{name}" for name in NOBD_COLUMNS)
    return f"(SELECT {columns} FROM {HISTORY_TABLE} {alias} WHERE {in_snapshot_sql(alias, snapshot)})"


def gone_rows_sql(previous: str, current: str, alias: str = "h") -> str:
    """A subquery: the rows of snapshot ``previous`` that snapshot ``current`` no longer has (exactly the
    same values in every column), read from the history in one pass."""
    columns = ", ".join(f"{alias}.{name}" for name in NOBD_COLUMNS)
    return (f"(SELECT {columns} FROM {HISTORY_TABLE} {alias} "
            f"WHERE {in_snapshot_sql(alias, previous)} AND NOT {in_snapshot_sql(alias, current)})")
