"""Demo risk flags: once the snapshot is loaded and checked, the risk flags are computed on it too, as the
nightly pipeline does after its checks (``risk.receivers``)."""

from __future__ import annotations


def seed(ctx: dict) -> None:
    def run_risk_after_checks() -> None:
        from contingent.choices import SnapshotStatus
        from contingent.models import NobdSnapshot
        from risk.engine import risk_run_now

        snapshot = NobdSnapshot.objects.filter(status=SnapshotStatus.READY).order_by("-taken_on", "-id").first()
        if snapshot is None:
            return
        run = risk_run_now(snapshot=snapshot)
        out = ctx.get("stdout")
        if out is not None:
            counts = ", ".join(f"{code} {count}" for code, count in run.counts.items() if count)
            out.write(f"Demo risk flags: run #{run.pk} on NOBD snapshot #{snapshot.pk} ({counts or 'no flags'})")

    ctx.setdefault("after_seed", []).append(run_risk_after_checks)
