"""The allowed transitions of findings and check runs: the one table of each.

Services move findings only through ``core.workflow.transition_apply`` with ``FINDING_TRANSITIONS``;
the engine closes the findings a run no longer produces with one set-based UPDATE built from
``FINDING_TRANSITIONS[FindingEvent.NO_LONGER_FOUND]``; a run moves from running to succeeded or
failed only through ``checks.runs.run_transition`` with ``CHECK_RUN_TRANSITIONS``. Transition names
are the audit event types (``checks.choices.FindingEvent``, ``CheckRunEvent``).

Who may take a finding's transition is decided by ``checks.permissions`` (it depends on the
finding's school and region, which a role list cannot say), so the tables list no roles.
"""

from __future__ import annotations

from checks.choices import LIVE_STATUSES, CheckRunEvent, CheckRunStatus, FindingEvent, FindingStatus
from core.workflow import Transition

FINDING_TRANSITIONS: dict[str, Transition] = {
    # The school explains one of its open warnings.
    FindingEvent.EXPLAINED: Transition(sources=(FindingStatus.OPEN,), target=FindingStatus.EXPLAINED, reason_required=True),
    # The department of the school's region or an operator accepts it as not blocking.
    FindingEvent.WAIVED: Transition(sources=(FindingStatus.OPEN, FindingStatus.EXPLAINED), target=FindingStatus.WAIVED,
                                    reason_required=True),
    # The same people mark it resolved; the next run opens a new finding if the problem is still there.
    FindingEvent.RESOLVED: Transition(sources=LIVE_STATUSES, target=FindingStatus.RESOLVED, reason_required=True),
    # A check run no longer finds it (the engine, for every such finding of a code at once).
    FindingEvent.NO_LONGER_FOUND: Transition(sources=LIVE_STATUSES, target=FindingStatus.RESOLVED),
}

# A run is created running (event ``CheckRunEvent.STARTED``) and ends once.
CHECK_RUN_TRANSITIONS: dict[str, Transition] = {
    CheckRunEvent.SUCCEEDED: Transition(sources=(CheckRunStatus.RUNNING,), target=CheckRunStatus.SUCCEEDED),
    CheckRunEvent.FAILED: Transition(sources=(CheckRunStatus.RUNNING,), target=CheckRunStatus.FAILED),
}
