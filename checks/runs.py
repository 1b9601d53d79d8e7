"""The state of check runs: when a run is in progress, when it is stale, and its end — in one place.

A run is created *running* (queued for a worker, or executed at once by ``run_checks``) and ends
*succeeded* or *failed* through ``run_transition`` (``checks.transitions.CHECK_RUN_TRANSITIONS``:
the actions ``succeed`` and ``fail``).

* A running run shows a **sign of life**: its ``progress["heartbeat"]`` (written when it is queued
  and at every stage and rule), or else its start time.
* It is **stale** when its last sign of life is older than ``CHECK_RUN_STALE_MINUTES`` while no
  process holds the run lock (``core.locks.CHECK_RUN_LOCK``): the process that ran it died, or
  the queue lost it.
* A run is **in progress** when it is running and either a process holds the run lock or it is
  not stale — a queued run waiting for its worker is in progress. ``run_in_progress`` answers
  which; starting a run refuses while there is one, and the engine marks only stale runs failed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from checks.choices import CheckRunStatus
from checks.models import CheckRun
from checks.transitions import CHECK_RUN_TRANSITIONS
from core.errors import ConflictError
from core.locks import CHECK_RUN_LOCK, AdvisoryLock
from core.services import audit_record

START_LOCK = AdvisoryLock(730_122, "starting a check run (two triggers cannot both start one)")


class RunInProgress(ConflictError):
    default_code = "check_run_in_progress"


def last_sign_of_life(run: CheckRun) -> dt.datetime:
    heartbeat = run.progress.get("heartbeat") if isinstance(run.progress, dict) else None
    return dt.datetime.fromisoformat(heartbeat) if heartbeat else run.started_at


def is_stale(run: CheckRun, *, now: dt.datetime | None = None) -> bool:
    """Running, yet silent for longer than ``CHECK_RUN_STALE_MINUTES`` (the caller knows no process holds the lock)."""
    now = now or timezone.now()
    return (run.status == CheckRunStatus.RUNNING
            and last_sign_of_life(run) < now - dt.timedelta(minutes=settings.CHECK_RUN_STALE_MINUTES))


def run_in_progress() -> CheckRun | None:
    """The run now in progress (the newest, if several), or None."""
    running = list(CheckRun.objects.filter(status=CheckRunStatus.RUNNING).order_by("-started_at", "-id"))
    if not running:
        return None
    if CHECK_RUN_LOCK.held_elsewhere():
        return running[0]
    return next((run for run in running if not is_stale(run)), None)


def refuse_if_in_progress() -> None:
    """Raise ``RunInProgress`` naming the run in progress, if there is one."""
    current = run_in_progress()
    if current is not None:
        raise RunInProgress(
            _("Check run #%(id)s is already in progress (started %(started)s).")
            % {"id": current.pk, "started": timezone.localtime(current.started_at).strftime("%Y-%m-%d %H:%M")},
            details={"run_id": current.pk},
        )


def heartbeat(run: CheckRun, **progress) -> None:
    """Record progress (merged into ``run.progress``) with a fresh sign of life."""
    merged = dict(run.progress or {})
    merged.update(progress)
    merged["heartbeat"] = timezone.now().isoformat()
    run.progress = merged
    CheckRun.objects.filter(pk=run.pk).update(progress=merged)


def run_transition(run: CheckRun, action: str, *, actor=None, reason: str = "", data: dict | None = None,
                   **fields) -> bool:
    """End ``run`` by ``action`` (succeed/fail) if it is still running; audited. False if it had ended already.

    One conditional UPDATE (not a lock and a check): the worker and a starting run that finds it stale
    may both try, and only one of them moves it.
    """
    spec = CHECK_RUN_TRANSITIONS[action]
    updated = CheckRun.objects.filter(pk=run.pk, status__in=spec.sources).update(status=spec.target, **fields)
    if updated:
        audit_record(actor=actor, action=spec.event, subject=run, from_status=CheckRunStatus.RUNNING, to_status=spec.target,
                     reason=reason, data=data)
    return bool(updated)


def run_fail(run: CheckRun, message: str) -> bool:
    return run_transition(run, "fail", reason=message[:2000], error=message[:2000], finished_at=timezone.now())


def fail_stale_runs(*, exclude: int) -> list[int]:
    """Mark failed the runs whose process died (stale); a queued run that is not stale is left alone.

    Called by the process that holds the run lock, so no other process is executing a run.
    """
    failed = []
    for run in CheckRun.objects.filter(status=CheckRunStatus.RUNNING).exclude(pk=exclude):
        if is_stale(run) and run_fail(run, _("Interrupted: the process running it stopped.")):
            failed.append(run.pk)
    return failed
