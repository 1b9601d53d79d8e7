"""How the notifications hear of what the apps below do, without them importing this app.

* every audit event of a notifying action (``events.EVENT_RULES``): after the transaction that
  recorded it commits, a task tells the people concerned;
* a check run that succeeded (``checks.signals.check_run_succeeded``): after commit, a task tells
  the schools and departments of its new findings.

Events written in bulk (``bulk_create`` sends no signal) are told by the hourly sweep.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from checks.signals import check_run_succeeded
from core.models import AuditEvent
from core.outbox import enqueue
from notifications.events import NOTIFYING_ACTIONS

_ACTIONS = frozenset(NOTIFYING_ACTIONS)


@receiver(post_save, sender=AuditEvent, dispatch_uid="notifications.audit_event_recorded")
def audit_event_recorded(sender, instance: AuditEvent, created: bool, **kwargs):
    if not created or instance.action not in _ACTIONS:
        return
    from notifications.tasks import notify_audit_event

    event_id = instance.pk
    enqueue(notify_audit_event, event_id)


@receiver(check_run_succeeded, dispatch_uid="notifications.check_run_succeeded")
def check_run_finished(sender, run, **kwargs):
    from notifications.tasks import notify_new_findings

    run_id = run.pk
    enqueue(notify_new_findings, run_id)
