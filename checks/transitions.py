"""The allowed transitions of findings and check runs: the one table of each.

Services move findings only through ``core.workflow.transition_apply`` with ``FINDING_TRANSITIONS``;
the engine closes the findings a run no longer produces with one set-based UPDATE built from
``FINDING_TRANSITIONS["close"]``; a run moves from running to succeeded or failed only through
``checks.runs.run_transition`` with ``CHECK_RUN_TRANSITIONS``. Each transition names its audit
event type (``checks.choices.FindingEvent``, ``CheckRunEvent``).

Who may take a finding's transition is declared with the model's scope (``Finding.scope``: the
school on its own warnings, the department of the school's region, operators, administrators);
the tables say only from which status to which.
"""

from __future__ import annotations

from checks.choices import LIVE_STATUSES, CheckRunEvent, CheckRunStatus, FindingEvent, FindingStatus
from core.workflow import Transition

FINDING_TRANSITIONS: dict[str, Transition] = {
    # The school explains one of its open warnings.
    "explain": Transition(sources=(FindingStatus.OPEN,), target=FindingStatus.EXPLAINED, event=FindingEvent.EXPLAINED,
                          reason_required=True),
    # The department of the school's region or an operator accepts it as not blocking.
    "waive": Transition(sources=(FindingStatus.OPEN, FindingStatus.EXPLAINED), target=FindingStatus.WAIVED,
                        event=FindingEvent.WAIVED, reason_required=True),
    # The same people mark it resolved; the next run opens a new finding if the problem is still there.
    "resolve": Transition(sources=LIVE_STATUSES, target=FindingStatus.RESOLVED, event=FindingEvent.RESOLVED,
                          reason_required=True),
    # A check run no longer finds it (the engine, for every such finding of a code at once).
    "close": Transition(sources=LIVE_STATUSES, target=FindingStatus.RESOLVED, event=FindingEvent.NO_LONGER_FOUND),
}

# A run is created running (event ``CheckRunEvent.STARTED``) and ends once.
CHECK_RUN_TRANSITIONS: dict[str, Transition] = {
    "succeed": Transition(sources=(CheckRunStatus.RUNNING,), target=CheckRunStatus.SUCCEEDED,
                          event=CheckRunEvent.SUCCEEDED),
    "fail": Transition(sources=(CheckRunStatus.RUNNING,), target=CheckRunStatus.FAILED, event=CheckRunEvent.FAILED),
}
