"""Loading NOBD snapshots (``nobd_import``) and pruning old ones.

A snapshot is loaded set-based, in one transaction:

1. the file streams into a new table ``contingent_nobdrow_<id>`` with ``COPY … FREEZE`` (rows
   kept exactly as received; SHA-256 and line ends counted on the way, never row by row);
2. one parallel SQL pass checks every row (``contingent.sql.row_check``: hash joins with
   static tables of valid IIN prefixes, suffixes and dates) and then the distinct school
   BINs; if anything is wrong, a second pass finds the wrong rows with their line numbers,
   Python explains each one, and the whole transaction rolls back: nothing changed;
3. the table is attached as the snapshot's partition of ``contingent_nobdrow`` and analysed;
   the snapshot records date, source, SHA-256 and row count;
4. older snapshots beyond the retention lose their rows (see ``nobd_prune``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contingent.choices import SnapshotStatus
from contingent.loading import copy_csv_file, expected_rows
from contingent.models import NOBD_ROWS_TABLE, NobdSnapshot
from contingent.signals import nobd_snapshots_in_use
from contingent.sql import bin_ok, row_check
from contingent.validation import row_problems
from core.locks import CHECK_RUN_LOCK
from core.scoping import require
from core.tabular import FileFormatError, RowError, RowsInvalid
from core.workflow import transition_apply
from integrations.nobd import NOBD_COLUMNS

logger = logging.getLogger(__name__)

JOINS, ROW_OK = row_check("t", category=False, school_bin=False, name_limit=False)
ERROR_LIMIT = 1000


def _numbered(table: str) -> str:
    """The rows of a freshly loaded table with their file line numbers (header = line 1).

    The table was filled by one COPY into a new table and never updated: its physical order
    (ctid) is the file's order.
    """
    return f"(SELECT row_number() OVER (ORDER BY ctid) + 1 AS line, * FROM {table})"


def _line_break_error(cursor, table: str, rows: int) -> FileFormatError:
    """The file has more line ends than rows: a quoted value spans lines, or a "\\." line ended COPY early."""
    columns = ", ".join(NOBD_COLUMNS)
    cursor.execute(
        f"SELECT line FROM {_numbered(table)} WHERE concat_ws(',', {columns}) ~ '[\\r\\n]' ORDER BY line LIMIT 1"
    )
    found = cursor.fetchone()
    if found:
        return FileFormatError(
            _("line %(line)s: a value contains a line break; every row must be on one line") % {"line": found[0]},
            code="line_break",
        )
    return FileFormatError(
        _("line %(line)s: unexpected end-of-data marker; the rows after it would be lost") % {"line": rows + 2},
        code="end_marker",
    )


def _explain(cursor, table: str, bad_bins: list[str]) -> list[RowError]:
    """The wrong rows with their line numbers and, for each, what is wrong (in the active language)."""
    columns = ", ".join(f"t.{name}" for name in NOBD_COLUMNS)
    condition = f"NOT {ROW_OK} OR t.school_bin = ANY(%s)"
    cursor.execute(f"SELECT count(*) FROM {table} t {JOINS} WHERE {condition}", [bad_bins])
    total = cursor.fetchone()[0]
    cursor.execute(
        f"SELECT t.line, {columns} FROM {_numbered(table)} t {JOINS} WHERE {condition} ORDER BY t.line LIMIT %s",
        [bad_bins, ERROR_LIMIT],
    )
    errors: list[RowError] = []
    for line, *values in cursor.fetchall():
        problems = row_problems(dict(zip(NOBD_COLUMNS, values, strict=True)), columns=NOBD_COLUMNS, name_limit=False)
        if not problems:  # the SQL and Python rules disagree: never silently accept such a row
            problems = [(None, _("the row does not pass the database's check"))]
        errors.extend(RowError(line, column, message) for column, message in problems)
    if total > ERROR_LIMIT:
        errors.append(RowError(None, None, _("… and %(count)s more wrong rows") % {"count": total - ERROR_LIMIT}))
    return errors


@transaction.atomic
def nobd_import(*, path: str | Path, taken_on: dt.date, source: str | None = None, actor=None) -> NobdSnapshot:
    """Load the NOBD snapshot file at ``path`` taken on ``taken_on``; all or nothing.

    Raises ``FileFormatError`` (encoding, columns, a malformed row) or ``RowsInvalid`` (every
    wrong value with its line); then nothing is saved.
    """
    require(actor, "import", NobdSnapshot)  # an operator or an administrator (or the system)
    path = Path(path)
    if not path.is_file():
        raise FileFormatError(_("File %(name)s does not exist.") % {"name": path})
    snapshot = NobdSnapshot.objects.create(
        taken_on=taken_on, source=(source or str(path.resolve()))[:500], sha256="", status=SnapshotStatus.IMPORTING,
        imported_by=actor if getattr(actor, "pk", None) else None,
    )
    table = snapshot.rows_table
    timings: dict[str, float] = {}
    clock = [time.monotonic()]

    def _lap() -> float:
        now = time.monotonic()
        seconds, clock[0] = round(now - clock[0], 3), now
        return seconds

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL datestyle = 'ISO, YMD'")
        cursor.execute(f"DROP TABLE IF EXISTS {table}")  # left by an interrupted import with reused ids
        cursor.execute(f"CREATE TABLE {table} (LIKE {NOBD_ROWS_TABLE})")
        cursor.execute(
            f"ALTER TABLE {table} ALTER COLUMN snapshot_id SET DEFAULT {snapshot.pk}, "
            f"ADD CONSTRAINT {table}_snapshot CHECK (snapshot_id = {snapshot.pk})"
        )
        rows, stats, _header = copy_csv_file(cursor, path=path, table=table, columns=NOBD_COLUMNS, freeze=True)
        timings["copy"] = _lap()
        if rows != expected_rows(stats):
            raise _line_break_error(cursor, table, rows)
        # One parallel pass: wrong rows counted per school BIN, then the distinct BINs checked.
        cursor.execute(f"""
            WITH per_bin AS (SELECT t.school_bin, count(*) FILTER (WHERE NOT {ROW_OK}) AS wrong
                               FROM {table} t {JOINS} GROUP BY t.school_bin)
            SELECT coalesce(sum(wrong), 0), coalesce(array_agg(school_bin) FILTER (WHERE NOT {bin_ok('school_bin')}), '{{}}')
              FROM per_bin""")
        bad_rows, bad_bins = cursor.fetchone()
        timings["validate"] = _lap()
        if bad_rows or bad_bins:
            raise RowsInvalid(_explain(cursor, table, list(bad_bins)))
        cursor.execute(f"ALTER TABLE {NOBD_ROWS_TABLE} ATTACH PARTITION {table} FOR VALUES IN ({snapshot.pk})")
        # Statistics of the parent too: the planner estimates joins through the parent's columns
        # (without them it misjudges the checks' join with the contingent by a factor of three).
        cursor.execute(f"ANALYZE {NOBD_ROWS_TABLE} (iin, school_bin)")
        timings["attach_analyse"] = _lap()
    snapshot = transition_apply(obj=snapshot, transitions=NobdSnapshot.TRANSITIONS, action="finish", actor=actor, data={
        "taken_on": taken_on, "source": snapshot.source, "sha256": stats.sha256, "rows": rows, "bytes": stats.size,
        "seconds": timings,
    }, extra_fields={"sha256": stats.sha256, "row_count": rows, "finished_at": timezone.now()})
    nobd_prune(actor=actor)
    timings["prune"] = _lap()
    snapshot.timings = timings  # for the benchmark's report
    logger.info("NOBD snapshot %s imported: %s rows, stages %s", snapshot.pk, rows, timings)
    return snapshot


def _snapshots_in_use() -> set[int]:
    """Snapshots that another app still needs (``contingent.signals.nobd_snapshots_in_use``)."""
    needed: set[int] = set()
    for _receiver, ids in nobd_snapshots_in_use.send(sender=NobdSnapshot):
        needed.update(ids or ())
    return needed


@transaction.atomic
def nobd_prune(*, actor=None, keep: int | None = None) -> list[int]:
    """Drop the rows of ready snapshots beyond the newest ``keep`` (``NOBD_SNAPSHOT_KEEP``).

    Never a snapshot another app still needs (``nobd_snapshots_in_use``: the checks keep the
    snapshots of running runs and of the latest successful run, whose findings are the current
    ones). The snapshot itself stays, status "pruned": date, source, SHA-256 and row count keep
    every check run and finding traceable. Skipped while a check run holds the run lock
    (``core.locks.CHECK_RUN_LOCK``: a run must never lose its rows mid-way); the next import
    prunes instead. Returns the ids pruned.
    """
    keep = settings.NOBD_SNAPSHOT_KEEP if keep is None else keep
    if not CHECK_RUN_LOCK.try_acquire_for_transaction():
        logger.info("NOBD pruning skipped: a check run is in progress")
        return []
    ready = list(NobdSnapshot.objects.select_for_update().filter(status=SnapshotStatus.READY).order_by("-taken_on", "-id"))
    protected = {snapshot.pk for snapshot in ready[: max(keep, 1)]} | _snapshots_in_use()
    pruned = []
    for snapshot in ready:
        if snapshot.pk in protected:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {snapshot.rows_table}")
        transition_apply(obj=snapshot, transitions=NobdSnapshot.TRANSITIONS, action="prune", actor=actor,
                         data={"keep": keep}, extra_fields={"pruned_at": timezone.now()})
        pruned.append(snapshot.pk)
    return pruned
