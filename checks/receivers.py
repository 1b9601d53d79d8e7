"""How the checks app takes part in what lower apps do (their signals), without them importing it."""

from __future__ import annotations

from django.dispatch import receiver

from checks.choices import CheckRunStatus
from checks.models import CheckRun
from contingent.signals import nobd_snapshots_in_use


@receiver(nobd_snapshots_in_use, dispatch_uid="checks.snapshots_in_use")
def snapshots_in_use(sender, **kwargs) -> set[int]:
    """Snapshots the checks still need: those of running runs, and of the latest successful run
    (its findings are the current ones)."""
    needed = set(
        CheckRun.objects.filter(status=CheckRunStatus.RUNNING, snapshot__isnull=False).values_list("snapshot_id", flat=True)
    )
    latest = CheckRun.objects.filter(status=CheckRunStatus.SUCCEEDED, snapshot__isnull=False).order_by("-started_at", "-id").first()
    if latest is not None:
        needed.add(latest.snapshot_id)
    return needed
