"""Celery tasks of the check-run pipeline (the nightly one is scheduled in ``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

import logging

from celery import shared_task

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


@shared_task(name="checks.tasks.run_check_pipeline", acks_late=True)
def run_check_pipeline(run_id: int) -> dict:
    """Carry out one queued run. Delivered again if the worker dies; executing it twice is safe."""
    from checks.pipeline import check_pipeline_execute

    run = check_pipeline_execute(run_id=run_id)
    return {"run": run_id, "status": getattr(run, "status", None)}
