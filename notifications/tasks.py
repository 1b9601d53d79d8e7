"""Celery tasks of the notifications: each takes ids, loads, calls one function. Running one twice
tells and sends once (``notify``'s unique key, the claimed e-mail, the digest's row)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notifications.tasks.notify_audit_event", acks_late=True)
def notify_audit_event(event_id: int) -> int:
    from core.models import AuditEvent
    from notifications.dispatch import audit_event_notify

    event = AuditEvent.objects.select_related("content_type").filter(pk=event_id).first()
    return len(audit_event_notify(event=event)) if event is not None else 0


@shared_task(name="notifications.tasks.notify_new_findings", acks_late=True)
def notify_new_findings(run_id: int) -> int:
    from checks.models import CheckRun
    from notifications.dispatch import new_findings_notify

    run = CheckRun.objects.filter(pk=run_id).first()
    return new_findings_notify(run=run) if run is not None else 0


@shared_task(name="notifications.tasks.send_notification_email", acks_late=True)
def send_notification_email(notification_id: int) -> bool:
    from notifications.services import notification_email_send

    return notification_email_send(notification_id=notification_id)


@shared_task(name="notifications.tasks.deadline_reminders")
def deadline_reminders() -> int:
    """Celery beat, every morning: acts due within 3 days and acts overdue."""
    from notifications.dispatch import deadline_reminders as remind

    return remind()


@shared_task(name="notifications.tasks.sweep_events")
def sweep_events() -> int:
    """Celery beat, hourly: tell the notifying events of the last day that are not told yet (bulk ones)."""
    from notifications.dispatch import audit_events_sweep

    return audit_events_sweep()


@shared_task(name="notifications.tasks.send_digests")
def send_digests() -> int:
    """Celery beat, every evening: one digest per user with notifications waiting for it."""
    from django.utils import timezone

    from notifications.choices import DeliveryState
    from notifications.models import Notification
    from notifications.services import digest_send

    day = timezone.localdate()
    users = Notification.objects.filter(digest_state=DeliveryState.PENDING).values_list("user_id", flat=True).distinct()
    return sum(1 for user_id in list(users) if digest_send(user_id=user_id, day=day))
