"""Loading NOBD snapshots (``nobd_import``) into the history stored by change, and pruning old ones.

A snapshot is loaded set-based, in one transaction, one import at a time (``NOBD_IMPORT_LOCK``):

1. the file streams into a new unlogged table ``contingent_nobdstage_<id>`` with ``COPY … FREEZE``
   (values kept as received, an empty value as ``''``; SHA-256 and line ends counted on the way,
   never row by row);
2. one parallel hash join on all nine columns compares it with the live rows of the history
   (``contingent.history``): the rows the file no longer has (their places in the history), and the
   rows it brings (their values, into a small temporary table). Exact (no
   digest of the row, so no hash collision to handle), with a small ``work_mem`` for that one
   statement (``NOBD_COMPARE_WORK_MEM``: small hash batches, see ``_compare_memory``);
3. the new rows are checked in one SQL pass (``contingent.sql.row_check``: hash joins with static
   tables of valid IIN prefixes, suffixes and dates), then their distinct school BINs. A row that
   is also in the previous import was accepted by the same checks (``checked_with``: the
   fingerprint of the checks' SQL), so only new rows are checked again; when the checks changed,
   or the history is empty, every row is. If anything is wrong, a second pass finds the wrong rows
   with their line numbers, Python explains each one, and the whole transaction rolls back:
   nothing changed;
4. the rows the file no longer has are closed (``valid_to`` = this snapshot), the new ones added
   (``valid_from`` = this snapshot); the snapshot records date, source, SHA-256, row count and
   what changed; the staging table is dropped;
5. older snapshots beyond the retention lose the rows only they had (see ``nobd_prune``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contingent.choices import SnapshotStatus
from contingent.history import HISTORY_TABLE
from contingent.loading import copy_csv_file, expected_rows
from contingent.models import NobdSnapshot
from contingent.signals import nobd_snapshots_in_use
from contingent.sql import bin_ok, row_check
from contingent.validation import row_problems
from core.locks import CHECK_RUN_LOCK, AdvisoryLock
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


# One import at a time: each computes its difference against the rows the latest import left live.
NOBD_IMPORT_LOCK = AdvisoryLock(730_141, "one NOBD import (or pruning) at a time: the live rows of the history")
# Which checks accepted the rows: the SQL of the row check and of the BIN check. An import checks again
# only the rows that are new when the previous import was checked the same way.
CHECKS_FINGERPRINT = hashlib.sha256(f"{JOINS}\n{ROW_OK}\n{bin_ok('school_bin')}".encode()).hexdigest()
# When an import adds more than this share of the history's rows, the planner's statistics are renewed
# at once (smaller changes are left to autovacuum's analyse).
ANALYSE_SHARE = 0.1

MATCH = " AND ".join(f"h.{name} = s.{name}" for name in NOBD_COLUMNS)
COLUMNS = ", ".join(NOBD_COLUMNS)


def _previous_checks() -> str | None:
    """The fingerprint of the checks of the import whose rows are live (the latest ready one)."""
    latest = (NobdSnapshot.objects.filter(status__in=[SnapshotStatus.READY, SnapshotStatus.PRUNED])
              .order_by("-id").values_list("checked_with", flat=True).first())
    return latest or None


def _validate(cursor, table: str, rows_filter: str, *, staged: str | None = None) -> None:
    """Check the rows of ``table`` that ``rows_filter`` selects (every value, then the distinct BINs).

    When something is wrong, the wrong rows are found with their line numbers in ``staged`` (the staging
    table, in file order), by default ``table`` itself."""
    cursor.execute(f"""
        WITH per_bin AS (SELECT t.school_bin, count(*) FILTER (WHERE NOT {ROW_OK}) AS wrong
                           FROM {table} t {JOINS} WHERE {rows_filter} GROUP BY t.school_bin)
        SELECT coalesce(sum(wrong), 0), coalesce(array_agg(school_bin) FILTER (WHERE NOT {bin_ok('school_bin')}), '{{}}')
          FROM per_bin""")
    bad_rows, bad_bins = cursor.fetchone()
    if bad_rows or bad_bins:
        raise RowsInvalid(_explain(cursor, staged or table, list(bad_bins)))


@contextmanager
def _compare_memory(cursor):
    """``work_mem`` = ``NOBD_COMPARE_WORK_MEM`` for the comparison only, then back to what it was.

    With a small ``work_mem`` PostgreSQL splits the parallel hash join of the two 4 M-row sides into
    batches of a few MB (spilled to temporary files and read back once) instead of one shared hash
    table of 560 MB; measured 10–25 % faster with two workers, and the same without parallelism, so
    what is saved is the cost of building and probing one large table shared by the processes
    (docs/operations.md). Transaction-local (``set_config(…, true)``): an error leaves nothing behind
    after the rollback, and the statements after the comparison run with the server's setting again.
    """
    cursor.execute("SHOW work_mem")
    previous = cursor.fetchone()[0]
    cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.NOBD_COMPARE_WORK_MEM])
    yield
    cursor.execute("SELECT set_config('work_mem', %s, true)", [previous])


def _apply_difference(cursor, *, snapshot: NobdSnapshot, table: str, timings: dict, lap) -> tuple[int, int]:
    """Compare the staged file with the live rows, check what is new, close and add; return (added, removed)."""
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {HISTORY_TABLE} WHERE valid_to IS NULL)")
    if not cursor.fetchone()[0]:
        # Nothing live (the first import, or after everything was pruned): every row is new.
        _validate(cursor, table, "true")
        timings["validate"] = lap()
        cursor.execute(f"INSERT INTO {HISTORY_TABLE} (valid_from, {COLUMNS}) SELECT DISTINCT %s::bigint, {COLUMNS} FROM {table}",
                       [snapshot.pk])
        timings["store"] = lap()
        return cursor.rowcount, 0
    # One parallel hash join on every column: live rows the file lacks (old, by ctid) and file rows the history
    # lacks (new, with their values: the validation and the INSERT read them here, not scattered over the
    # 4 M-row staging table). Exact: rows match only when all nine values are equal (no digest, so no collision).
    cursor.execute("DROP TABLE IF EXISTS nobd_difference")
    with _compare_memory(cursor):
        cursor.execute(f"""
            CREATE TEMP TABLE nobd_difference ON COMMIT DROP AS
            SELECT h.ctid AS old_row, s.ctid AS new_row, {", ".join(f"s.{name}" for name in NOBD_COLUMNS)}
              FROM (SELECT ctid, {COLUMNS} FROM {HISTORY_TABLE} WHERE valid_to IS NULL) h
              FULL JOIN {table} s ON {MATCH}
             WHERE h.ctid IS NULL OR s.ctid IS NULL""")
    timings["compare"] = lap()
    if _previous_checks() == CHECKS_FINGERPRINT:
        _validate(cursor, "nobd_difference", "t.new_row IS NOT NULL", staged=table)
    else:
        _validate(cursor, table, "true")
    timings["validate"] = lap()
    cursor.execute(f"""
        UPDATE {HISTORY_TABLE} SET valid_to = %s
         WHERE ctid = ANY(ARRAY(SELECT old_row FROM nobd_difference WHERE old_row IS NOT NULL)) AND valid_to IS NULL""",
                   [snapshot.pk])
    removed = cursor.rowcount
    cursor.execute(f"INSERT INTO {HISTORY_TABLE} (valid_from, {COLUMNS}) SELECT DISTINCT %s::bigint, {COLUMNS} "
                   f"FROM nobd_difference WHERE new_row IS NOT NULL", [snapshot.pk])
    added = cursor.rowcount
    timings["store"] = lap()
    return added, removed


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
    NOBD_IMPORT_LOCK.acquire_for_transaction()
    snapshot = NobdSnapshot.objects.create(
        taken_on=taken_on, source=(source or str(path.resolve()))[:500], sha256="", status=SnapshotStatus.IMPORTING,
        imported_by=actor if getattr(actor, "pk", None) else None,
    )
    table = snapshot.staging_table
    timings: dict[str, float] = {}
    clock = [time.monotonic()]

    def _lap() -> float:
        now = time.monotonic()
        seconds, clock[0] = round(now - clock[0], 3), now
        return seconds

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL datestyle = 'ISO, YMD'")
        cursor.execute(f"DROP TABLE IF EXISTS {table}")  # left by an interrupted import with reused ids
        cursor.execute(f"CREATE UNLOGGED TABLE {table} ({', '.join(f'{name} text' for name in NOBD_COLUMNS)})")
        rows, stats, _header = copy_csv_file(cursor, path=path, table=table, columns=NOBD_COLUMNS, freeze=True,
                                             empty_as_text=True)
        timings["copy"] = _lap()
        if rows != expected_rows(stats):
            raise _line_break_error(cursor, table, rows)
        added, removed = _apply_difference(cursor, snapshot=snapshot, table=table, timings=timings, lap=_lap)
        cursor.execute(f"DROP TABLE {table}")
        if added > ANALYSE_SHARE * max(rows, 1):
            cursor.execute(f"ANALYZE {HISTORY_TABLE}")
        timings["analyse"] = _lap()
    snapshot = transition_apply(obj=snapshot, transitions=NobdSnapshot.TRANSITIONS, action="finish", actor=actor, data={
        "taken_on": taken_on, "source": snapshot.source, "sha256": stats.sha256, "rows": rows, "bytes": stats.size,
        "rows_added": added, "rows_removed": removed, "seconds": timings,
    }, extra_fields={"sha256": stats.sha256, "row_count": rows, "rows_added": added, "rows_removed": removed,
                     "checked_with": CHECKS_FINGERPRINT, "finished_at": timezone.now()})
    nobd_prune(actor=actor)
    timings["prune"] = _lap()
    snapshot.timings = timings  # for the benchmark's report
    logger.info("NOBD snapshot %s imported: %s rows (%s added, %s removed), stages %s", snapshot.pk, rows, added, removed,
                timings)
    return snapshot


def _snapshots_in_use() -> set[int]:
    """Snapshots that another app still needs (``contingent.signals.nobd_snapshots_in_use``)."""
    needed: set[int] = set()
    for _receiver, ids in nobd_snapshots_in_use.send(sender=NobdSnapshot):
        needed.update(ids or ())
    return needed


@transaction.atomic
def nobd_prune(*, actor=None, keep: int | None = None) -> list[int]:
    """Prune the ready snapshots beyond the newest ``keep`` (``NOBD_SNAPSHOT_KEEP``): the rows that no
    snapshot still kept has are deleted from the history.

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
    NOBD_IMPORT_LOCK.acquire_for_transaction()
    ready = list(NobdSnapshot.objects.select_for_update().filter(status=SnapshotStatus.READY).order_by("-taken_on", "-id"))
    protected = {snapshot.pk for snapshot in ready[: max(keep, 1)]} | _snapshots_in_use()
    pruned = []
    for snapshot in ready:
        if snapshot.pk in protected:
            continue
        transition_apply(obj=snapshot, transitions=NobdSnapshot.TRANSITIONS, action="prune", actor=actor,
                         data={"keep": keep}, extra_fields={"pruned_at": timezone.now()})
        pruned.append(snapshot.pk)
    if pruned:
        # The rows no ready snapshot has any more (a live row is in the latest import, which is always kept).
        with connection.cursor() as cursor:
            cursor.execute(f"""
                DELETE FROM {HISTORY_TABLE} h
                 WHERE h.valid_to IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM contingent_nobdsnapshot s
                                    WHERE s.status = %s AND s.id >= h.valid_from AND s.id < h.valid_to)""",
                           [SnapshotStatus.READY])
            logger.info("NOBD pruning: snapshots %s pruned, %s history rows deleted", pruned, cursor.rowcount)
    return pruned
