"""Celery tasks of the risk flags (queued after the pipeline's check runs, ``risk.receivers``)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="risk.tasks.run_risk_after_checks", acks_late=True)
def run_risk_after_checks(check_run_id: int) -> dict:
    """Compute the risk flags on the snapshot of a check run that succeeded. Running it twice is safe."""
    from checks.models import CheckRun
    from core.errors import DomainError
    from risk.choices import RiskRunTrigger
    from risk.engine import risk_run_now

    check_run = CheckRun.objects.select_related("snapshot").filter(pk=check_run_id).first()
    if check_run is None or check_run.snapshot is None:
        return {"check_run": check_run_id, "risk_run": None}
    try:
        run = risk_run_now(snapshot=check_run.snapshot, trigger=RiskRunTrigger.CHECKS, check_run=check_run)
    except DomainError as error:  # another risk run in progress, a snapshot pruned meanwhile …
        logger.warning("risk flags after check run %s not computed: %s", check_run_id, error)
        return {"check_run": check_run_id, "risk_run": None, "error": str(error)}
    return {"check_run": check_run_id, "risk_run": run.pk, "counts": run.counts}
