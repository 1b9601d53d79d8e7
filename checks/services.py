from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checks.choices import CheckRunStatus, CheckRunTrigger, FindingStatus, Severity
from checks.engine import RunInProgress, check_run_execute, running_run
from checks.models import CheckRun, Finding
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.roles import Role
from core.services import audit_record
from core.workflow import lock


def latest_ready_snapshot():
    from contingent.choices import SnapshotStatus
    from contingent.models import NobdSnapshot

    return NobdSnapshot.objects.filter(status=SnapshotStatus.READY).order_by("-taken_on", "-id").first()


@transaction.atomic
def check_run_create(*, actor=None, trigger: str, snapshot=None, check_date: dt.date | None = None) -> CheckRun:
    """Record a new run for ``snapshot`` (default: the latest ready one). D is the snapshot's date."""
    if trigger not in CheckRunTrigger.values:
        raise DomainError(_("Unknown trigger."))
    if snapshot is None:
        snapshot = latest_ready_snapshot()
    if check_date is None:
        check_date = snapshot.taken_on if snapshot is not None else timezone.localdate()
    current = running_run()
    if current is not None and trigger == CheckRunTrigger.MANUAL:
        raise RunInProgress(
            _("Check run #%(id)s is already in progress (started %(started)s).")
            % {"id": current.pk, "started": timezone.localtime(current.started_at).strftime("%Y-%m-%d %H:%M")},
            details={"run_id": current.pk},
        )
    run = CheckRun.objects.create(
        check_date=check_date, snapshot=snapshot, trigger=trigger,
        started_by=actor if getattr(actor, "pk", None) else None, status=CheckRunStatus.RUNNING,
    )
    audit_record(actor=actor, action="check_run_started", subject=run, to_status=run.status,
                 data={"snapshot": getattr(snapshot, "pk", None), "check_date": check_date, "trigger": trigger})
    return run


def check_run_now(*, actor=None, trigger: str = CheckRunTrigger.COMMAND, snapshot=None) -> CheckRun:
    """Create a run and execute it in this process (``run_checks`` and tests)."""
    run = check_run_create(actor=actor, trigger=trigger, snapshot=snapshot)
    return check_run_execute(run=run)


def _may_decide_finding(actor, finding) -> bool:
    if actor.role == Role.OPERATOR or actor.role == Role.ADMIN:
        return True
    return actor.role == Role.DEPARTMENT and finding.school.region_id == actor.region_id


@transaction.atomic
def finding_explain(*, finding: Finding, actor, explanation: str) -> Finding:
    """A school explains one of its warnings (status open → explained)."""
    finding = lock(finding)
    if actor.role != Role.SCHOOL or actor.school_id != finding.school_id:
        raise PermissionDeniedError(_("Only the school concerned may explain its finding."))
    if finding.severity != Severity.WARNING:
        raise DomainError(_("Only a warning can be explained; an error must be resolved."), code="not_a_warning")
    if finding.status != FindingStatus.OPEN:
        raise ConflictError(_("Only an open finding can be explained."), code="not_open")
    if not (explanation or "").strip():
        raise DomainError(_("Write the explanation."), field="explanation", code="explanation_required")
    return _set_status(finding, actor, FindingStatus.EXPLAINED, explanation.strip(), "finding_explained")


@transaction.atomic
def finding_waive(*, finding: Finding, actor, reason: str) -> Finding:
    """A department officer (its region) or an operator accepts a finding as not blocking, with a reason."""
    finding = lock(finding)
    if not _may_decide_finding(actor, finding):
        raise PermissionDeniedError(_("Only the department of the school's region or an operator may waive a finding."))
    if finding.status not in (FindingStatus.OPEN, FindingStatus.EXPLAINED):
        raise ConflictError(_("Only an open or explained finding can be waived."), code="not_open")
    if not (reason or "").strip():
        raise DomainError(_("A reason is required."), field="reason", code="reason_required")
    return _set_status(finding, actor, FindingStatus.WAIVED, reason.strip(), "finding_waived")


@transaction.atomic
def finding_resolve(*, finding: Finding, actor, reason: str) -> Finding:
    """Mark a finding resolved by hand (the next run reopens it if the problem is still there)."""
    finding = lock(finding)
    if not _may_decide_finding(actor, finding):
        raise PermissionDeniedError(_("Only the department of the school's region or an operator may resolve a finding."))
    if finding.status == FindingStatus.RESOLVED:
        raise ConflictError(_("The finding is already resolved."), code="already_resolved")
    if not (reason or "").strip():
        raise DomainError(_("A reason is required."), field="reason", code="reason_required")
    return _set_status(finding, actor, FindingStatus.RESOLVED, reason.strip(), "finding_resolved")


def _set_status(finding: Finding, actor, status: str, reason: str, action: str) -> Finding:
    previous = finding.status
    finding.status = status
    finding.status_reason = reason
    finding.status_changed_by = actor
    finding.status_changed_at = timezone.now()
    finding.save(update_fields=["status", "status_reason", "status_changed_by", "status_changed_at", "updated_at"])
    audit_record(actor=actor, action=action, subject=finding, from_status=previous, to_status=status, reason=reason)
    return finding
