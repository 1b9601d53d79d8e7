"""The check engine: runs every registered rule for a date D, set-based, in PostgreSQL.

First the rules' preparations (``checks.rules.Preparation``) are computed once, each into an
unlogged table that the rules then read: one consistent picture for the whole run.
Then for each rule, in its own transaction:
1. the rule's SELECT fills a temporary table with what it finds now;
2. live findings (open, explained, waived) of that code that are found again are kept and
   refreshed (``last_run``, details, rule version);
3. new ones are inserted as open;
4. live findings of that code that the run no longer finds are resolved, closed by this run.
The twelve CONTRACT codes always run; a code of another instrument (D01 … G01) runs while an active
programme lists it (``Programme.finding_codes``), and otherwise finds nothing.
A partial unique index (one live finding per code and subject) makes duplicates impossible.

One run at a time: the run lock (``core.locks.CHECK_RUN_LOCK``) is held for the whole run; a
second run started meanwhile is refused, naming the running one. A run whose process died is
*stale* (``checks.runs``) and is marked failed by the next run — a run queued for a worker and
not stale is left alone. Re-running gives the same findings. The run ends through its declared
transitions (``checks.runs.run_transition``); findings no longer found are closed through
``FINDING_TRANSITIONS["close"]``, set-based, with no English stored: the
closing run (``closed_by_run``) is the reason, rendered in the reader's language.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checks.choices import CONTRACT_CODES, FindingCode, FindingStatus
from checks.models import CheckRun
from checks.rules import Preparation, Rule, all_rules, preparations
from checks.rules.details import DetailsMismatch, details_match_sql, parse_details
from checks.runs import RunInProgress, fail_stale_runs, heartbeat, run_fail, run_transition
from checks.signals import check_run_succeeded
from checks.transitions import FINDING_TRANSITIONS
from core.calendar import school_year_start
from core.db import DATABASE_OUTAGE
from core.errors import DomainError
from core.locks import CHECK_RUN_LOCK

logger = logging.getLogger(__name__)

COUNTED_STATUSES = (FindingStatus.OPEN, FindingStatus.EXPLAINED)
CLOSING = FINDING_TRANSITIONS["close"]


# What a rule that no active programme runs finds: nothing (so its live findings close).
NOTHING_SQL = ("SELECT NULL::bigint AS school_id, NULL::bigint AS enrolment_id, ''::varchar AS level, "
               "''::varchar AS subject_key, '{}'::jsonb AS details WHERE false")


def _running_codes() -> set[str]:
    """The CONTRACT codes always run; an extension code (issue 10) while an active programme runs it."""
    from programmes.selectors import enabled_finding_codes

    return set(CONTRACT_CODES) | enabled_finding_codes()


def _snapshot_has_rows(snapshot_id: int) -> bool:
    from contingent.choices import SnapshotStatus
    from contingent.models import NobdSnapshot

    return NobdSnapshot.objects.filter(pk=snapshot_id, status=SnapshotStatus.READY).exists()


def _apply_rule(run: CheckRun, rule: Rule, params: dict) -> dict:
    live = list(CLOSING.sources)
    counted = list(COUNTED_STATUSES)
    args = {**params, "run_id": run.pk, "code": rule.code, "severity": rule.severity, "version": rule.version,
            "live": live, "counted": counted, "closed": CLOSING.target, "opened": FindingStatus.OPEN}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS checks_produced")
        cursor.execute(
            "CREATE TEMP TABLE checks_produced ON COMMIT DROP AS "
            "SELECT school_id::bigint AS school_id, enrolment_id::bigint AS enrolment_id, "
            "coalesce(level, '')::varchar AS level, subject_key::varchar AS subject_key, details::jsonb AS details "
            f"FROM ({rule.sql}) AS produced",
            args,
        )
        cursor.execute("CREATE UNIQUE INDEX ON checks_produced (subject_key)")
        _refuse_details_off_schema(cursor, rule)
        cursor.execute("ANALYZE checks_produced")
        cursor.execute(
            """
            UPDATE checks_finding f
               SET last_run_id = %(run_id)s, details = p.details, rule_version = %(version)s,
                   school_id = p.school_id, enrolment_id = p.enrolment_id, level = p.level, updated_at = now()
              FROM checks_produced p
             WHERE f.code = %(code)s AND f.subject_key = p.subject_key AND f.status = ANY(%(live)s)
            """,
            args,
        )
        kept = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO checks_finding (code, severity, school_id, enrolment_id, level, subject_key, details,
                                        rule_version, status, status_reason, first_run_id, last_run_id,
                                        created_at, updated_at)
            SELECT %(code)s, %(severity)s, p.school_id, p.enrolment_id, p.level, p.subject_key, p.details,
                   %(version)s, %(opened)s, '', %(run_id)s, %(run_id)s, now(), now()
              FROM checks_produced p
             WHERE NOT EXISTS (SELECT 1 FROM checks_finding f
                                WHERE f.code = %(code)s AND f.subject_key = p.subject_key AND f.status = ANY(%(live)s))
            """,
            args,
        )
        added = cursor.rowcount
        cursor.execute(
            """
            UPDATE checks_finding
               SET status = %(closed)s, closed_by_run_id = %(run_id)s, status_changed_at = now(),
                   status_changed_by_id = NULL, status_reason = '', updated_at = now()
             WHERE code = %(code)s AND status = ANY(%(live)s) AND last_run_id <> %(run_id)s
            """,
            args,
        )
        closed = cursor.rowcount
        cursor.execute(
            "SELECT count(*) FROM checks_finding WHERE code = %(code)s AND last_run_id = %(run_id)s AND status = ANY(%(counted)s)",
            args,
        )
        count = cursor.fetchone()[0]
    return {"count": count, "kept": kept, "added": added, "closed": closed}


def _refuse_details_off_schema(cursor, rule: Rule) -> None:
    """Every row the rule produced must carry exactly the details its schema declares (one set-based pass)."""
    cursor.execute(
        f"SELECT subject_key, details FROM checks_produced WHERE NOT {details_match_sql(rule.details)} LIMIT 1"
    )
    wrong = cursor.fetchone()
    if wrong is None:
        return
    try:
        parse_details(rule.details, json.loads(wrong[1]) if isinstance(wrong[1], str) else wrong[1])
        problem = "jsonb types"
    except DetailsMismatch as mismatch:
        problem = str(mismatch)
    raise DetailsMismatch(_("Rule %(code)s (version %(version)s) wrote details its schema does not declare (%(subject)s): "
                            "%(problem)s") % {"code": rule.code, "version": rule.version, "subject": wrong[0], "problem": problem})


# Settings for building and analysing the preparations (transaction-local, put back right after):
# * the planner's costs of a parallel plan: with the defaults it builds ``checks_run_active`` (600 k enrolments
#   joined with their pupils) in one process, as the cost of passing 600 k rows from the workers outweighs the
#   gain it sees; measured, two workers build it 10-35 % faster;
# * the statistics target of their ``ANALYZE``: a sample of 3,000 rows instead of 30,000 gives the rules the
#   same plans (their suspects are a few rows either way) and takes a third of the time.
# Measured in docs/operations.md, "Trimming the check run".
PREPARATION_SETTINGS = {"parallel_setup_cost": "0", "parallel_tuple_cost": "0.001", "default_statistics_target": "10"}


@contextmanager
def _preparation_settings(cursor):
    """``PREPARATION_SETTINGS`` for the statements inside, then back to what they were (transaction-local: an
    error leaves nothing behind after the rollback)."""
    previous = {}
    for name, value in PREPARATION_SETTINGS.items():
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        previous[name] = cursor.fetchone()[0]
    yield
    for name, value in previous.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _prepare(run: CheckRun, preparation: Preparation, params: dict) -> dict:
    started = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {preparation.name}")
        with _preparation_settings(cursor):
            cursor.execute(f"CREATE UNLOGGED TABLE {preparation.name} AS {preparation.sql}", params)
            rows = cursor.rowcount
            cursor.execute(f"ANALYZE {preparation.name}")
    return {"rows": rows, "seconds": round((timezone.now() - started).total_seconds(), 3)}


def _drop_preparations(names: list[str]) -> None:
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _inputs(run: CheckRun, params: dict) -> dict:
    from checks.inputs import describe_inputs

    return describe_inputs(run=run, params=params)


def check_run_execute(*, run: CheckRun) -> CheckRun:
    """Run every rule for ``run`` (already created, status running). Holds the run lock.

    If another process holds the lock, ``run`` fails at once (it would never start) and
    ``RunInProgress`` is raised.
    """
    if not CHECK_RUN_LOCK.try_acquire():
        message = _("Another check run is in progress.")
        run_fail(run, message)
        raise RunInProgress(message)
    try:
        # Runs whose process died hold no lock and show no sign of life: mark them failed.
        # A queued run that is not stale is left for its worker.
        fail_stale_runs(exclude=run.pk)
        if run.snapshot_id is not None and not _snapshot_has_rows(run.snapshot_id):
            # Pruning drops a snapshot's rows only while it holds this lock, never under a running run.
            raise DomainError(_("NOBD snapshot #%(id)s has no rows any more (pruned); run the checks on a newer one.")
                              % {"id": run.snapshot_id}, code="snapshot_pruned")
        params = {
            "check_date": run.check_date,
            "snapshot_id": run.snapshot_id,
            "school_year_start": school_year_start(run.check_date),
        }
        running = _running_codes()
        rules = [rule if rule.code in running else dataclasses.replace(rule, sql=NOTHING_SQL, prepares=(), needs_snapshot=False)
                 for rule in all_rules()]
        run.rule_versions = {rule.code: rule.version for rule in rules}
        run.inputs = _inputs(run, params)
        run.save(update_fields=["rule_versions", "inputs"])
        heartbeat(run, done=0, total=len(rules), current=None, rules={}, prepared={})
        prepared = [p for p in preparations(rules) if not (p.needs_snapshot and run.snapshot_id is None)]
        for preparation in prepared:
            heartbeat(run, current=preparation.name)
            run.progress["prepared"][preparation.name] = _prepare(run, preparation, params)
        counts = {code: 0 for code in FindingCode.values}
        for index, rule in enumerate(rules):
            heartbeat(run, current=rule.code)
            if rule.needs_snapshot and run.snapshot_id is None:
                run.progress["rules"][rule.code] = {"skipped": "no NOBD snapshot"}
                continue
            started = timezone.now()
            with transaction.atomic():
                result = _apply_rule(run, rule, params)
            result["seconds"] = round((timezone.now() - started).total_seconds(), 3)
            counts[rule.code] = result["count"]
            run.progress["rules"][rule.code] = result
            run.progress["done"] = index + 1
            logger.info("check run %s: %s %s", run.pk, rule.code, result)
        _drop_preparations([p.name for p in prepared])
        heartbeat(run, current=None, done=len(rules))
        with transaction.atomic():
            run_transition(run, "succeed", data={"counts": counts}, counts=counts, finished_at=timezone.now())
    except DATABASE_OUTAGE:
        raise  # not the run's failure: the task is retried and the run resumes (checks.tasks)
    except Exception as exc:
        try:
            _drop_preparations([p.name for p in preparations(all_rules())])
        except Exception:  # noqa: BLE001 - the next run drops them anyway
            logger.warning("check run %s: could not drop the prepared tables", run.pk)
        run_fail(run, str(exc))
        raise
    finally:
        CHECK_RUN_LOCK.release()
    run.refresh_from_db()
    check_run_succeeded.send(sender=CheckRun, run=run)
    return run
