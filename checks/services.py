"""State changes of the checks app: starting check runs, and the decisions on findings.

Who may act is declared with the models' scopes (``core.scoping``); which status may become which
by the transition tables of ``checks.transitions``; ``transition_apply`` asks both; each change writes its audit event (an event type
of ``checks.choices``) in the same transaction. The queued run of the nightly job and of the
operators' page is started by ``checks.pipeline.check_pipeline_start``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checks.choices import CheckRunEvent, CheckRunStatus, CheckRunTrigger
from checks.engine import check_run_execute
from checks.models import CheckRun, Finding
from checks.runs import START_LOCK, refuse_if_in_progress
from checks.transitions import FINDING_TRANSITIONS
from core.errors import DomainError
from core.scoping import require
from core.services import audit_record
from core.workflow import transition_apply


def latest_ready_snapshot():
    from contingent.choices import SnapshotStatus
    from contingent.models import NobdSnapshot

    return NobdSnapshot.objects.filter(status=SnapshotStatus.READY).order_by("-taken_on", "-id").first()


@transaction.atomic
def check_run_create(*, actor=None, trigger: str, snapshot=None, check_date: dt.date | None = None,
                     latest_snapshot: bool = True, progress: dict | None = None) -> CheckRun:
    """Record a new run for ``snapshot`` (default: the latest ready one, unless ``latest_snapshot`` is
    false: the run fetches its own). D is the snapshot's date.

    Refuses (``RunInProgress``, naming it) while another run is in progress (``checks.runs``).
    """
    if trigger not in CheckRunTrigger.values:
        raise DomainError(_("Unknown trigger."))
    START_LOCK.acquire_for_transaction()  # two triggers at once cannot both start a run
    refuse_if_in_progress()
    if snapshot is None and latest_snapshot:
        snapshot = latest_ready_snapshot()
    if check_date is None:
        check_date = snapshot.taken_on if snapshot is not None else timezone.localdate()
    run = CheckRun.objects.create(
        check_date=check_date, snapshot=snapshot, trigger=trigger,
        started_by=actor if getattr(actor, "pk", None) else None, status=CheckRunStatus.RUNNING,
        progress={**(progress or {}), "heartbeat": timezone.now().isoformat()},
    )
    audit_record(actor=actor, action=CheckRunEvent.STARTED, subject=run, to_status=run.status,
                 data={"snapshot": getattr(snapshot, "pk", None), "check_date": check_date, "trigger": trigger,
                       **({"fetch": progress["fetch"]} if progress and "fetch" in progress else {})})
    return run


def check_run_now(*, actor=None, trigger: str = CheckRunTrigger.COMMAND, snapshot=None) -> CheckRun:
    """Create a run and execute it in this process (``run_checks``, the demo, tests)."""
    run = check_run_create(actor=actor, trigger=trigger, snapshot=snapshot)
    return check_run_execute(run=run)


def _text(value: str, *, field: str, message: str, code: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(message, field=field, code=code)
    return text


def _decide(finding: Finding, actor, action: str, text: str) -> Finding:
    return transition_apply(
        obj=finding, transitions=FINDING_TRANSITIONS, action=action, actor=actor, reason=text,
        extra_fields={"status_reason": text, "status_changed_by": actor, "status_changed_at": timezone.now()},
    )


@transaction.atomic
def finding_explain(*, finding: Finding, actor, explanation: str) -> Finding:
    """A school explains one of its warnings (status open → explained)."""
    require(actor, "explain", finding)  # the school concerned, on its own warning
    text = _text(explanation, field="explanation", message=_("Write the explanation."), code="explanation_required")
    return _decide(finding, actor, "explain", text)


@transaction.atomic
def finding_waive(*, finding: Finding, actor, reason: str) -> Finding:
    """The department of the school's region or an operator accepts a finding as not blocking, with a reason."""
    require(actor, "waive", finding)
    text = _text(reason, field="reason", message=_("A reason is required."), code="reason_required")
    return _decide(finding, actor, "waive", text)


@transaction.atomic
def finding_resolve(*, finding: Finding, actor, reason: str) -> Finding:
    """Mark a finding resolved by hand (the next run opens a new one if the problem is still there)."""
    require(actor, "resolve", finding)
    text = _text(reason, field="reason", message=_("A reason is required."), code="reason_required")
    return _decide(finding, actor, "resolve", text)
