"""The risk engine: every risk rule for a snapshot's date D, set-based, in PostgreSQL, then the scores.

A run is created (``risk_run_create``: the snapshot, the previous one for R05, ``as_of`` for R04, the
thresholds and score settings of the settings now) and committed, so that pruning keeps its snapshots
(``risk.receivers``); then ``risk_run_execute`` computes, in ONE repeatable-read transaction (every
rule reads the same picture) holding the risk lock and a share lock on both snapshots (pruning
waits), for each rule:

1. the rule's SELECT fills a temporary table with what it raises now (its evidence checked against
   the rule's schema, set-based);
2. open flags of that code raised again are kept: last run, evidence (a new ``RiskFlagEvidence``
   version when it changed), schools;
3. new ones are inserted as open;
4. open flags of that code the run no longer raises are closed, by this run.

A partial unique index (one open flag per code and subject) makes duplicates impossible; running
twice on the same data gives the same flags. Then the scores of every school (``risk.scores``).
Any failure rolls everything back and the run is marked failed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checks.rules.details import DetailsMismatch, details_match_sql, parse_details
from contingent.choices import SnapshotStatus
from contingent.models import NobdSnapshot
from core.errors import ConflictError, DomainError
from core.locks import AdvisoryLock
from core.scoping import require
from core.services import audit_record
from core.workflow import transition_sql
from risk.choices import RiskCode, RiskFlagStatus, RiskRunEvent, RiskRunStatus, RiskRunTrigger
from risk.models import RiskFlag, RiskRun
from risk.rules import RiskRule, all_rules
from risk.scores import scores_compute
from risk.thresholds import current_score_settings, current_thresholds

logger = logging.getLogger(__name__)

RISK_RUN_LOCK = AdvisoryLock(730_151, "one risk run at a time (its flags and scores)")
# The open flags of a code a run no longer raises are closed by one UPDATE built from the declared transition.
_CLOSE_FROM, _CLOSED = transition_sql(RiskFlag.TRANSITIONS, "close")


class RiskRunInProgress(ConflictError):
    default_code = "risk_run_in_progress"


def previous_snapshot_for(snapshot: NobdSnapshot) -> NobdSnapshot | None:
    """The snapshot R05 compares with: the latest ready one dated before D."""
    return (NobdSnapshot.objects.filter(status=SnapshotStatus.READY, taken_on__lt=snapshot.taken_on)
            .order_by("-taken_on", "-id").first())


def default_as_of(check_date: dt.date) -> dt.datetime:
    """What R04 may read: everything up to now, but for a past D no later than the end of D (Asia/Almaty)."""
    now = timezone.now()
    end_of_day = timezone.make_aware(dt.datetime.combine(check_date + dt.timedelta(days=1), dt.time.min))
    return min(now, end_of_day)


@transaction.atomic
def risk_run_create(*, snapshot: NobdSnapshot, trigger: str = RiskRunTrigger.COMMAND, actor=None, check_run=None,
                    as_of: dt.datetime | None = None) -> RiskRun:
    require(actor, "start", RiskRun)  # an operator or an administrator (or the system: the command, the pipeline)
    if trigger not in RiskRunTrigger.values:
        raise DomainError(_("Unknown trigger."))
    if snapshot.status != SnapshotStatus.READY:
        raise DomainError(_("NOBD snapshot #%(id)s has no rows (status: %(status)s).")
                          % {"id": snapshot.pk, "status": snapshot.get_status_display()}, code="snapshot_not_ready")
    previous = previous_snapshot_for(snapshot)
    run = RiskRun.objects.create(
        snapshot=snapshot, previous_snapshot=previous, check_date=snapshot.taken_on,
        previous_date=getattr(previous, "taken_on", None), as_of=as_of or default_as_of(snapshot.taken_on),
        thresholds=current_thresholds(), score_settings=current_score_settings(),
        rule_versions={rule.code: rule.version for rule in all_rules()}, trigger=trigger, check_run=check_run,
        started_by=actor if getattr(actor, "pk", None) else None, status=RiskRunStatus.RUNNING,
    )
    audit_record(actor=actor, action=RiskRunEvent.STARTED, subject=run, to_status=run.status, data={
        "snapshot": snapshot.pk, "previous_snapshot": getattr(previous, "pk", None), "check_date": run.check_date,
        "as_of": run.as_of, "thresholds": run.thresholds, "trigger": trigger})
    return run


def produce_sql(rule: RiskRule) -> str:
    """The rule's result in the engine's column types, with the SHA-256 of each evidence (jsonb text is canonical)."""
    return (
        "SELECT subject_key::varchar AS subject_key, school_id::bigint AS school_id, "
        "coalesce(school_ids, ARRAY[school_id])::bigint[] AS school_ids, coalesce(pupil_iin, '')::varchar AS pupil_iin, "
        "payment_id::bigint AS payment_id, month::date AS month, evidence::jsonb AS evidence, "
        "encode(sha256(convert_to(evidence::jsonb::text, 'UTF8')), 'hex') AS sha "
        f"FROM ({rule.sql}) AS produced"
    )


def _refuse_evidence_off_schema(cursor, rule: RiskRule) -> None:
    cursor.execute(f"SELECT subject_key, evidence FROM risk_produced WHERE NOT {details_match_sql(rule.evidence, 'evidence')} LIMIT 1")
    wrong = cursor.fetchone()
    if wrong is None:
        return
    try:
        parse_details(rule.evidence, json.loads(wrong[1]) if isinstance(wrong[1], str) else wrong[1])
        problem = "jsonb types"
    except DetailsMismatch as mismatch:
        problem = str(mismatch)
    raise DetailsMismatch(_("Risk rule %(code)s (version %(version)s) wrote evidence its schema does not declare "
                            "(%(subject)s): %(problem)s") % {"code": rule.code, "version": rule.version,
                                                             "subject": wrong[0], "problem": problem})


def _apply_rule(cursor, run: RiskRun, rule: RiskRule, params: dict) -> dict:
    args = {**params, "run_id": run.pk, "code": rule.code, "version": rule.version, "open": RiskFlagStatus.OPEN,
            "closing": _CLOSE_FROM, "closed": _CLOSED}
    cursor.execute("DROP TABLE IF EXISTS risk_produced")
    cursor.execute(f"CREATE TEMP TABLE risk_produced ON COMMIT DROP AS {produce_sql(rule)}", args)
    cursor.execute("CREATE UNIQUE INDEX ON risk_produced (subject_key)")
    _refuse_evidence_off_schema(cursor, rule)
    cursor.execute("ANALYZE risk_produced")
    live = "f.code = %(code)s AND f.status = %(open)s AND f.subject_key = p.subject_key"
    # A new version of the evidence of flags raised again, when it changed …
    cursor.execute(f"""
        INSERT INTO risk_riskflagevidence (flag_id, run_id, evidence, evidence_sha256, rule_version, recorded_at)
        SELECT f.id, %(run_id)s, p.evidence, p.sha, %(version)s, now()
          FROM risk_riskflag f JOIN risk_produced p ON {live}
         WHERE f.evidence_sha256 <> p.sha OR f.rule_version <> %(version)s""", args)
    changed = cursor.rowcount
    # … and the flags themselves.
    cursor.execute(f"""
        UPDATE risk_riskflag f
           SET last_run_id = %(run_id)s, evidence = p.evidence, evidence_sha256 = p.sha, rule_version = %(version)s,
               school_id = p.school_id, pupil_iin = p.pupil_iin, payment_id = p.payment_id, month = p.month,
               updated_at = now()
          FROM risk_produced p WHERE {live}""", args)
    kept = cursor.rowcount
    cursor.execute("""
        INSERT INTO risk_riskflag (code, subject_key, school_id, pupil_iin, payment_id, month, evidence, evidence_sha256,
                                   rule_version, status, first_run_id, last_run_id, created_at, updated_at)
        SELECT %(code)s, p.subject_key, p.school_id, p.pupil_iin, p.payment_id, p.month, p.evidence, p.sha,
               %(version)s, %(open)s, %(run_id)s, %(run_id)s, now(), now()
          FROM risk_produced p
         WHERE NOT EXISTS (SELECT 1 FROM risk_riskflag f WHERE f.code = %(code)s AND f.status = %(open)s
                                                          AND f.subject_key = p.subject_key)""", args)
    added = cursor.rowcount
    cursor.execute(f"""
        INSERT INTO risk_riskflagevidence (flag_id, run_id, evidence, evidence_sha256, rule_version, recorded_at)
        SELECT f.id, %(run_id)s, p.evidence, p.sha, %(version)s, now()
          FROM risk_riskflag f JOIN risk_produced p ON {live}
         WHERE f.first_run_id = %(run_id)s""", args)
    # The schools each flag concerns, as raised now.
    cursor.execute("""
        DELETE FROM risk_riskflagschool fs USING risk_riskflag f
         WHERE fs.flag_id = f.id AND f.code = %(code)s AND f.last_run_id = %(run_id)s""", args)
    cursor.execute(f"""
        INSERT INTO risk_riskflagschool (flag_id, school_id)
        SELECT DISTINCT f.id, school.id FROM risk_riskflag f JOIN risk_produced p ON {live}
         CROSS JOIN LATERAL unnest(p.school_ids) AS school(id)""", args)
    cursor.execute("""
        UPDATE risk_riskflag SET status = %(closed)s, closed_by_run_id = %(run_id)s, updated_at = now()
         WHERE code = %(code)s AND status = ANY(%(closing)s) AND last_run_id <> %(run_id)s""", args)
    closed = cursor.rowcount
    cursor.execute("SELECT count(*) FROM risk_riskflag WHERE code = %(code)s AND last_run_id = %(run_id)s AND status = %(open)s",
                   args)
    return {"count": cursor.fetchone()[0], "kept": kept, "added": added, "closed": closed, "evidence_changed": changed}


def _lock_snapshots(run: RiskRun) -> None:
    """Share-lock the snapshots the run reads (pruning locks them for update, so it waits) and check they still have rows."""
    ids = [run.snapshot_id] + ([run.previous_snapshot_id] if run.previous_snapshot_id else [])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, status FROM contingent_nobdsnapshot WHERE id = ANY(%s) ORDER BY id FOR SHARE", [ids])
        statuses = dict(cursor.fetchall())
    for snapshot_id in ids:
        if statuses.get(snapshot_id) != SnapshotStatus.READY:
            raise DomainError(_("NOBD snapshot #%(id)s has no rows any more (pruned); run the risk flags on a newer one.")
                              % {"id": snapshot_id}, code="snapshot_pruned")


@transaction.atomic
def run_transition(run: RiskRun, action: str, *, data: dict | None = None, **fields) -> bool:
    """End ``run`` by ``action`` (``RiskRun.TRANSITIONS``: succeed/fail) if it is still running; audited with the
    transition's event type. False if it had ended already.

    A run ends by itself (the action is the system's, ``RiskRun.scope``): one conditional UPDATE, so that
    only one of two processes that try moves it. The audit names who started the run.
    """
    spec = RiskRun.TRANSITIONS[action]
    updated = RiskRun.objects.filter(pk=run.pk, status__in=spec.sources).update(status=spec.target, **fields)
    if updated:
        audit_record(actor=run.started_by, action=spec.event, subject=run, from_status=spec.sources[0], to_status=spec.target,
                     data=data)
    return bool(updated)


def _succeed(run: RiskRun, counts: dict, timings: dict, closed: dict) -> None:
    run_transition(run, "succeed", data={"counts": counts, "closed": closed}, counts=counts, timings=timings,
                   finished_at=timezone.now())


def _fail(run: RiskRun, message: str) -> None:
    run_transition(run, "fail", data={"error": message[:500]}, error=message[:5000], finished_at=timezone.now())


def risk_run_execute(*, run: RiskRun) -> RiskRun:
    """Compute every rule and the scores for ``run`` (created, running). One risk run at a time."""
    if not RISK_RUN_LOCK.try_acquire():
        message = _("Another risk run is in progress.")
        _fail(run, message)
        raise RiskRunInProgress(message)
    try:
        params = run.params()
        timings: dict[str, float] = {}
        counts = {code: 0 for code in RiskCode.values}
        closed = {code: 0 for code in RiskCode.values}
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            with connection.cursor() as cursor:
                if outermost:  # one picture for every rule (inside a caller's transaction, the caller's picture)
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                _lock_snapshots(run)
                for rule in all_rules():
                    started = time.monotonic()
                    if rule.needs_previous and run.previous_snapshot_id is None:
                        timings[rule.code] = 0.0  # nothing to compare with: open flags of the code stay as they were
                        continue
                    result = _apply_rule(cursor, run, rule, params)
                    counts[rule.code], closed[rule.code] = result["count"], result["closed"]
                    timings[rule.code] = round(time.monotonic() - started, 3)
                    logger.info("risk run %s: %s %s", run.pk, rule.code, result)
                started = time.monotonic()
                scores_compute(cursor, run=run)
                timings["scores"] = round(time.monotonic() - started, 3)
            _succeed(run, counts, timings, closed)
    except Exception as exc:
        _fail(run, str(exc))
        raise
    finally:
        RISK_RUN_LOCK.release()
    run.refresh_from_db()
    return run


def risk_run_now(*, snapshot: NobdSnapshot, trigger: str = RiskRunTrigger.COMMAND, actor=None, check_run=None) -> RiskRun:
    """Create a run for ``snapshot`` and execute it at once (``run_risk`` and the task after a check run)."""
    run = risk_run_create(snapshot=snapshot, trigger=trigger, actor=actor, check_run=check_run)
    return risk_run_execute(run=run)
