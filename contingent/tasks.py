"""Celery tasks of the contingent: large uploads are checked and applied here, never in a web request.

A task takes the upload's id and calls one service. Both services are safe to run twice (a task
is delivered again when its worker dies: acks_late, reject on worker lost), and a database that
restarts mid-task only delays the work (the task is retried; its transaction never committed).
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from core.outbox import OutboxAwareTask

RETRY = {"autoretry_for": (OperationalError, InterfaceError), "retry_backoff": 2, "retry_backoff_max": 60,
         "max_retries": 10, "acks_late": True}


class UploadTask(OutboxAwareTask):  # the portal's task class (core/outbox.py): a delivery already done is skipped
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Anything but a database outage ends the upload as ``failed`` (it would fail again)."""
        from contingent.services.imports import contingent_upload_fail

        if args:
            contingent_upload_fail(record_id=args[0], reason=f"{type(exc).__name__}: {exc}")


@shared_task(name="contingent.tasks.check_upload", base=UploadTask, **RETRY)
def check_upload(import_id: int) -> str | None:
    from contingent.services.imports import contingent_upload_check

    record = contingent_upload_check(record_id=import_id)
    return getattr(record, "status", None)


@shared_task(name="contingent.tasks.apply_upload", base=UploadTask, **RETRY)
def apply_upload(import_id: int) -> str | None:
    from contingent.services.imports import contingent_upload_apply

    record = contingent_upload_apply(record_id=import_id)
    return getattr(record, "status", None)
