"""Recoveries: money paid for a line that a later check run found in error comes back.

``recoveries_detect`` scans the accepted lines of paid acts against the open error findings that
block them (``acts.rules``) and records one recovery per line and finding — set-based, and
idempotent: a second scan adds nothing, and a line's money is recovered at most once whatever the
number of its findings (two unique indexes). The checks call it after every run through the task
``payments.tasks.detect_recoveries`` (``recoveries_detect_enqueue``); applying a bank confirmation
calls it for the contracts just paid.

A recovery is offset against the contract's next payment (``payment_prepare``); what the payment
cannot absorb stays open and is carried forward to the one after.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acts.choices import LineDecision
from acts.rules import FINDING_LINES_SQL
from core.audit_places import record_places
from core.errors import ConflictError, DomainError
from core.models import AuditEvent
from core.outbox import enqueue
from core.scoping import require
from core.workflow import transition_apply, transition_sql
from payments.choices import DEAD_PAYMENT_STATUSES, PaymentStatus, RecoveryEvent, RecoveryStatus
from payments.models import Recovery

DETECT_SQL = f"""
INSERT INTO payments_recovery (contract_id, line_id, finding_id, amount, status, detected_by_run_id, created_at, status_reason)
SELECT DISTINCT ON (hit.line_id) a.contract_id, hit.line_id, hit.finding_id, l.amount, '{RecoveryStatus.OPEN}',
       %(run)s, now(), ''
  FROM ({FINDING_LINES_SQL}) hit
  JOIN acts_actline l ON l.id = hit.line_id
  JOIN acts_act a ON a.id = l.act_id
 WHERE hit.blocking AND l.version = a.version
   AND l.decision = '{LineDecision.ACCEPTED}' AND l.amount > 0 AND a.month <= %(check_date)s
   AND EXISTS (SELECT 1 FROM payments_payment p WHERE p.act_id = a.id AND p.status = '{PaymentStatus.PAID}')
   AND (%(contracts)s::bigint[] IS NULL OR a.contract_id = ANY(%(contracts)s::bigint[]))
   AND NOT EXISTS (SELECT 1 FROM payments_recovery r
                    WHERE r.line_id = hit.line_id
                      AND (r.finding_id = hit.finding_id OR r.status <> '{RecoveryStatus.CANCELLED}'))
 ORDER BY hit.line_id, hit.finding_id
ON CONFLICT DO NOTHING
RETURNING id
"""

# open ⇄ offset: a recovery is offset once live payments cover its amount, open again when they no longer
# do. Built from ``Recovery.TRANSITIONS["offset"]`` and ``["reopen"]`` (their sources and targets); every
# move is returned, to be audited. A cancelled recovery is in neither's sources, so it never moves.
_OFFSET_FROM, _OFFSET_TO = transition_sql(Recovery.TRANSITIONS, "offset")
_REOPEN_FROM, _REOPEN_TO = transition_sql(Recovery.TRANSITIONS, "reopen")
REFRESH_STATUS_SQL = f"""
WITH judged AS (
    SELECT r.id, r.status AS before,
           CASE WHEN r.amount <= coalesce((
                    SELECT sum(o.amount) FROM payments_recoveryoffset o JOIN payments_payment p ON p.id = o.payment_id
                     WHERE o.recovery_id = r.id AND p.status <> ALL(%(dead)s)), 0)
                THEN '{_OFFSET_TO}' ELSE '{_REOPEN_TO}' END AS after
      FROM payments_recovery r
     WHERE r.id = ANY(%(ids)s)
)
UPDATE payments_recovery r
   SET status = j.after
  FROM judged j
 WHERE r.id = j.id
   AND ((j.before = ANY(%(offset_from)s) AND j.after = '{_OFFSET_TO}')
        OR (j.before = ANY(%(reopen_from)s) AND j.after = '{_REOPEN_TO}'))
RETURNING r.id, j.before, j.after
"""


def recovery_remaining(recoveries) -> dict[int, object]:
    """What is still to be offset of each recovery: its amount minus the offsets on live payments."""
    from django.db.models import Sum

    from payments.models import RecoveryOffset

    taken = dict(
        RecoveryOffset.objects.filter(recovery__in=[r.pk for r in recoveries])
        .exclude(payment__status__in=DEAD_PAYMENT_STATUSES)
        .values("recovery").annotate(total=Sum("amount")).values_list("recovery", "total")
    )
    return {r.pk: r.amount - taken.get(r.pk, 0) for r in recoveries}


def recovery_statuses_refresh(recovery_ids, *, actor=None) -> int:
    """Open while something is left to offset, offset once live payments cover it (cancelled stays cancelled).

    The one way these statuses move (``Recovery.TRANSITIONS`` "offset" and "reopen"), set-based; each
    move is audited, as the consequence of ``actor``'s payment. Returns how many moved.
    """
    ids = list(recovery_ids)
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_STATUS_SQL, {"ids": ids, "dead": list(DEAD_PAYMENT_STATUSES),
                                            "offset_from": _OFFSET_FROM, "reopen_from": _REOPEN_FROM})
        moved = cursor.fetchall()
    if moved:
        content_type = ContentType.objects.get_for_model(Recovery)
        events = {_OFFSET_TO: Recovery.TRANSITIONS["offset"].event, _REOPEN_TO: Recovery.TRANSITIONS["reopen"].event}
        record_places(AuditEvent.objects.bulk_create([
            AuditEvent(actor=actor if getattr(actor, "pk", None) else None, action=events[after],
                       content_type=content_type, object_id=str(pk), from_status=before, to_status=after)
            for pk, before, after in moved
        ]))
    return len(moved)


@transaction.atomic
def recoveries_detect(*, run=None, contract_ids: list[int] | None = None, today: dt.date | None = None) -> int:
    """Record a recovery for every paid line that now has a blocking finding; returns how many were added.

    ``run``: the check run that just finished (its date bounds the months looked at); None = today.
    """
    check_date = run.check_date if run is not None else (today or timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(DETECT_SQL, {"run": getattr(run, "pk", None), "check_date": check_date,
                                    "contracts": list(contract_ids) if contract_ids is not None else None})
        created = [row[0] for row in cursor.fetchall()]
    if created:
        content_type = ContentType.objects.get_for_model(Recovery)
        recoveries = Recovery.objects.filter(pk__in=created).values_list("pk", "line_id", "finding_id", "amount")
        record_places(AuditEvent.objects.bulk_create(
            [AuditEvent(actor=None, action=RecoveryEvent.RECORDED, content_type=content_type, object_id=str(pk),
                        to_status=RecoveryStatus.OPEN,
                        data={"line": line, "finding": finding, "amount": str(amount), "run": getattr(run, "pk", None)})
             for pk, line, finding, amount in recoveries],
            batch_size=1000,
        ))
    return len(created)


def recoveries_detect_enqueue(*, run) -> None:
    """For the checks engine: after ``run`` commits, detect recoveries in a worker."""
    from payments.tasks import detect_recoveries

    run_id = run.pk
    enqueue(detect_recoveries, run_id)


@transaction.atomic
def recovery_cancel(*, recovery: Recovery, actor, reason: str) -> Recovery:
    """Cancel a recovery that should not be taken (the finding did not concern that month …), with the reason."""
    locked = Recovery.objects.select_for_update(of=("self",)).select_related("contract__order").get(pk=recovery.pk)
    require(actor, "cancel", locked)
    if recovery_remaining([locked])[locked.pk] != locked.amount:
        raise ConflictError(_("Part of this recovery is already offset against a payment; it cannot be cancelled."),
                            code="recovery_offset")
    if not (reason or "").strip():
        raise DomainError(_("A reason is required."), code="reason_required", field="reason")
    return transition_apply(obj=locked, transitions=Recovery.TRANSITIONS, action="cancel", actor=actor,
                            reason=reason.strip(), data={"amount": locked.amount, "line": locked.line_id},
                            extra_fields={"status_reason": reason.strip(), "cancelled_by": actor,
                                          "cancelled_at": timezone.now()})
