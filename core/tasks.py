from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from core.models import WorkerHeartbeat


@shared_task(name="core.tasks.heartbeat")
def heartbeat(name: str = "worker") -> None:
    """Record that a worker is alive and consuming the queue."""
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


@shared_task(name="core.tasks.idempotency_cleanup")
def idempotency_cleanup() -> int:
    """Delete the Idempotency-Key records past their time (core/idempotency.py); how many went."""
    from drf_idempotency.core import get_backend

    return get_backend().cleanup_expired()


@shared_task(name="core.tasks.publish_audit_head")
def publish_audit_head() -> None:
    """Nightly: publish the audit chain head of the day that ended, then seal every head not sealed yet."""
    import datetime as dt

    from core.models import PublishedHead
    from core.services import audit_head_publish, audit_head_seal

    audit_head_publish(day=timezone.localdate() - dt.timedelta(days=1))
    for published in PublishedHead.objects.filter(tsa_token__isnull=True).order_by("seq"):
        audit_head_seal(published=published)


@shared_task(name="core.tasks.outbox_relay")
def outbox_relay() -> int:
    """Send the tasks the outbox holds unsent (the broker was away at their commit): core/outbox.py."""
    from core.outbox import relay

    return relay()


@worker_ready.connect
def _relay_when_a_worker_starts(**kwargs) -> None:
    """A worker that starts (after an outage, often) first sends what the outbox holds."""
    from core.outbox import relay

    relay()
