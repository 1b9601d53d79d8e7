"""How the risk app takes part in what lower apps do (their signals), without them importing it."""

from __future__ import annotations

from django.dispatch import receiver

from checks.choices import CheckRunTrigger
from checks.signals import check_run_succeeded
from contingent.signals import nobd_snapshots_in_use
from core.outbox import enqueue
from risk.choices import RiskRunStatus
from risk.models import RiskRun

# Check runs of the pipeline (the nightly job and the operators' page) are followed by the risk flags.
# ``run_checks`` on the command line is not: its user runs ``run_risk`` when wanted.
PIPELINE_TRIGGERS = (CheckRunTrigger.NIGHTLY, CheckRunTrigger.MANUAL)


@receiver(check_run_succeeded, dispatch_uid="risk.run_after_check_run")
def run_risk_after_check_run(sender, run, **kwargs):
    """After the pipeline's checks: compute the risk flags on the same snapshot, in a worker."""
    if run.snapshot_id is None or run.trigger not in PIPELINE_TRIGGERS:
        return
    from risk.tasks import run_risk_after_checks

    run_id = run.pk
    enqueue(run_risk_after_checks, run_id)


@receiver(nobd_snapshots_in_use, dispatch_uid="risk.snapshots_in_use")
def snapshots_in_use(sender, **kwargs) -> set[int]:
    """Snapshots a running risk run reads (its snapshot and the previous one)."""
    needed: set[int] = set()
    for snapshot_id, previous_id in RiskRun.objects.filter(status=RiskRunStatus.RUNNING).values_list(
            "snapshot_id", "previous_snapshot_id"):
        needed.add(snapshot_id)
        if previous_id:
            needed.add(previous_id)
    return needed


