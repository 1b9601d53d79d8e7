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
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.models import AuditEvent
from core.roles import Role
from core.workflow import transition_apply
from payments.choices import DEAD_PAYMENT_STATUSES, PaymentStatus, RecoveryStatus
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

REFRESH_STATUS_SQL = f"""
UPDATE payments_recovery r
   SET status = CASE WHEN r.amount <= coalesce((
                    SELECT sum(o.amount) FROM payments_recoveryoffset o JOIN payments_payment p ON p.id = o.payment_id
                     WHERE o.recovery_id = r.id AND p.status <> ALL(%(dead)s)), 0)
                THEN '{RecoveryStatus.OFFSET}' ELSE '{RecoveryStatus.OPEN}' END
 WHERE r.id = ANY(%(ids)s) AND r.status <> '{RecoveryStatus.CANCELLED}'
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


def recovery_statuses_refresh(recovery_ids) -> None:
    """Open while something is left to offset, offset once live payments cover it (cancelled stays cancelled)."""
    ids = list(recovery_ids)
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(REFRESH_STATUS_SQL, {"ids": ids, "dead": list(DEAD_PAYMENT_STATUSES)})


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
        AuditEvent.objects.bulk_create(
            [AuditEvent(actor=None, action="recovery_recorded", content_type=content_type, object_id=str(pk),
                        to_status=RecoveryStatus.OPEN,
                        data={"line": line, "finding": finding, "amount": str(amount), "run": getattr(run, "pk", None)})
             for pk, line, finding, amount in recoveries],
            batch_size=1000,
        )
    return len(created)


def recoveries_detect_enqueue(*, run) -> None:
    """For the checks engine: after ``run`` commits, detect recoveries in a worker."""
    from payments.tasks import detect_recoveries

    run_id = run.pk
    transaction.on_commit(lambda: detect_recoveries.delay(run_id))


@transaction.atomic
def recovery_cancel(*, recovery: Recovery, actor, reason: str) -> Recovery:
    """Cancel a recovery that should not be taken (the finding did not concern that month …), with the reason."""
    locked = Recovery.objects.select_for_update(of=("self",)).select_related("contract__order").get(pk=recovery.pk)
    role = getattr(actor, "role", None)
    if not (role == Role.OPERATOR or (role == Role.DEPARTMENT and actor.region_id == locked.contract.order.region_id)):
        raise PermissionDeniedError(_("Only the department of the contract's region or an operator may cancel a recovery."))
    if recovery_remaining([locked])[locked.pk] != locked.amount:
        raise ConflictError(_("Part of this recovery is already offset against a payment; it cannot be cancelled."),
                            code="recovery_offset")
    if not (reason or "").strip():
        raise DomainError(_("A reason is required."), code="reason_required", field="reason")
    return transition_apply(obj=locked, transitions=Recovery.TRANSITIONS, action="cancel", actor=actor,
                            reason=reason.strip(), data={"amount": locked.amount, "line": locked.line_id},
                            extra_fields={"status_reason": reason.strip(), "cancelled_by": actor,
                                          "cancelled_at": timezone.now()})
