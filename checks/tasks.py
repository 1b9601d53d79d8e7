"""Celery tasks of the check-run pipeline (the nightly one is scheduled in ``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

import logging

from celery import shared_task

from core.db import DATABASE_OUTAGE
from core.outbox import OutboxAwareTask

logger = logging.getLogger(__name__)


@shared_task(name="checks.tasks.nightly_checks")
def nightly_checks() -> dict:
    """Celery beat, 02:00 Asia/Almaty: queue tonight's run (fetch → import → checks → notify).

    While a run is in progress, report it and start nothing.
    """
    from checks.choices import CheckRunTrigger
    from checks.pipeline import check_pipeline_start
    from checks.runs import RunInProgress

    try:
        run = check_pipeline_start(actor=None, trigger=CheckRunTrigger.NIGHTLY, fetch=True)
    except RunInProgress as error:
        logger.warning("nightly checks not started: %s", error)
        return {"started": None, "running": error.details.get("run_id"), "message": str(error)}
    return {"started": run.pk}


class PipelineTask(OutboxAwareTask):  # the portal's task class (core/outbox.py): a delivery already done is skipped
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Given up (the database stayed away through every retry): the run is failed, not left running."""
        from checks.models import CheckRun
        from checks.runs import run_fail

        run = CheckRun.objects.filter(pk=args[0]).first() if args else None
        if run is not None:
            run_fail(run, f"{type(exc).__name__}: {exc}")


@shared_task(name="checks.tasks.run_check_pipeline", base=PipelineTask, acks_late=True, autoretry_for=DATABASE_OUTAGE,
             retry_backoff=2, retry_backoff_max=60, max_retries=10)
def run_check_pipeline(run_id: int) -> dict:
    """Carry out one queued run. Delivered again if the worker dies, retried if the database goes away
    (a restart): the run resumes where it stopped; executing it twice is safe."""
    from checks.pipeline import check_pipeline_execute

    run = check_pipeline_execute(run_id=run_id)
    return {"run": run_id, "status": getattr(run, "status", None)}
