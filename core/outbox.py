"""Transactional outbox for Celery tasks: a task asked for by a change is never lost (issue 11).

``enqueue(task, *args)`` writes an ``OutboxTask`` row in the transaction of the change, so the two
commit or roll back together; nothing is sent for a change that rolled back. At commit the task is
sent to the broker at once (the usual case: no delay). When the broker (Redis) is away, the send
fails, is logged, and the row stays unsent; ``core.tasks.outbox_relay`` (beat, every
``OUTBOX_RELAY_SECONDS``, and each worker when it starts) sends every unsent row once the broker is
back, oldest first.

No duplicate: the relay locks the rows it sends (``SKIP LOCKED``: two relays never send the same
row) and marks them sent in that transaction; the Celery task id is the row's ``task_id``. A row
can be sent twice only when a process dies between the broker accepting it and its commit; the
worker then finds the row done (``OutboxTask.done_at``, set when the task succeeded: ``OutboxAwareTask``)
and skips the second delivery. A delivery redone after a killed worker (late acknowledgement) is
not done yet, so it runs.

This is the one way the portal enqueues from a change: ``grep -rn "\\.delay("`` in the apps finds
nothing else. Arguments are JSON (ids and short strings), as the Celery serializer requires anyway.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from celery import Task, current_app
from django.db import transaction
from django.utils import timezone

from core.db import DATABASE_OUTAGE
from core.models import OutboxTask

logger = logging.getLogger(__name__)

RELAY_BATCH = 500
KEEP_SENT = timedelta(days=7)  # long past any redelivery, so a late duplicate still finds its row done


def enqueue(task, *args, **kwargs) -> OutboxTask:
    """Ask for ``task`` (a Celery task or its name) with JSON arguments, as part of the current transaction."""
    name = task if isinstance(task, str) else task.name
    row = OutboxTask.objects.create(task_id=uuid.uuid4(), name=name, args=list(args), kwargs=kwargs)
    # robust: whatever goes wrong here after the commit is logged, never the caller's error (the relay sends it later).
    transaction.on_commit(lambda: send_now(row.pk), robust=True)
    return row


def broker_send(row: OutboxTask) -> None:
    """Hand one task to the broker (the one call that reaches it; tests replace it).

    A task this process knows is sent by its own ``apply_async`` (its routing and options, and
    ``task_always_eager`` when a test sets it); a name it does not know, by name."""
    task = current_app.tasks.get(row.name)
    if task is not None:
        task.apply_async(args=row.args, kwargs=row.kwargs, task_id=str(row.task_id))
    else:
        current_app.send_task(row.name, args=row.args, kwargs=row.kwargs, task_id=str(row.task_id))


def send_now(pk: int) -> bool:
    """Send one row if it is still unsent (after its commit); a broker failure leaves it to the relay."""
    with transaction.atomic():
        row = OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=pk, sent_at__isnull=True).first()
        if row is None:
            return False  # sent already, or being sent by the relay
        return _send(row)


def relay(limit: int = RELAY_BATCH) -> int:
    """Send the unsent rows, oldest first; stop at the first broker failure. How many were sent.

    Rows sent more than ``KEEP_SENT`` ago are deleted."""
    OutboxTask.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    sent = 0
    with transaction.atomic():
        rows = list(OutboxTask.objects.select_for_update(skip_locked=True).filter(sent_at__isnull=True)
                    .order_by("created_at", "pk")[:limit])
        for row in rows:
            if not _send(row):
                break
            sent += 1
    return sent


def _send(row: OutboxTask) -> bool:
    """Inside the transaction that holds ``row``'s lock: send it and mark it sent, or record the failure."""
    row.attempts += 1
    try:
        broker_send(row)
    except Exception as exc:  # the broker is away (kombu OperationalError, a socket error…): the relay retries
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        row.save(update_fields=["attempts", "last_error"])
        logger.warning("outbox: %s %s not sent (%s); the relay will send it", row.name, row.task_id, row.last_error)
        return False
    row.sent_at = timezone.now()
    row.save(update_fields=["attempts", "sent_at"])
    return True


OUTAGE_RETRIES = 10  # deliveries retried while the database is away at a task's start (about 6 minutes in all)


class OutboxAwareTask(Task):
    """The portal's Celery task class: a task sent through the outbox runs once even if delivered twice.

    Before running, a task whose id is an outbox row already done is skipped; after it succeeds,
    its row is marked done. A task not from the outbox (beat, a direct call) costs one indexed read.
    """

    def __call__(self, *args, **kwargs):
        task_id = getattr(self.request, "id", None)
        try:
            done = bool(task_id) and _done(task_id)
        except DATABASE_OUTAGE as exc:
            # The database is away (a restart) before the task even began: deliver it again shortly rather
            # than fail it. Raised here, outside the task's own body, the error would escape the task's
            # autoretry and a nightly run would stay "running" (found by the PostgreSQL-restart fault test).
            raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 60),
                             max_retries=max(self.max_retries or 0, OUTAGE_RETRIES)) from exc
        if done:
            logger.info("outbox: %s %s was already carried out; this delivery is skipped", self.name, task_id)
            return None
        result = super().__call__(*args, **kwargs)
        if task_id:
            try:
                OutboxTask.objects.filter(task_id=task_id, done_at__isnull=True).update(done_at=timezone.now())
            except DATABASE_OUTAGE:  # the work is done; a second delivery would only repeat an idempotent task
                logger.warning("outbox: %s %s ran but could not be marked done (database away)", self.name, task_id)
        return result


def _done(task_id: str) -> bool:
    try:
        key = uuid.UUID(str(task_id))
    except ValueError:
        return False
    return OutboxTask.objects.filter(task_id=key, done_at__isnull=False).exists()
