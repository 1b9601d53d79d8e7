from celery import shared_task
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
