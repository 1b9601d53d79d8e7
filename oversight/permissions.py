"""What a user may do with a monitoring case now — the page's buttons and the API's ``actions`` — asked of
the one permission decision (``core.scoping.allowed_actions``: who may, on which rows, from which status),
with the few rules of the case the services also apply (a question before the conclusion, a report only
after "violation found", nothing added to a closed case)."""

from __future__ import annotations

from core.scoping import allowed_actions
from oversight.choices import FINAL_STATUSES, CaseStatus, Conclusion
from oversight.models import MonitoringCase

# What the case's page and API offer (``start_dialogue`` is taken by the first question).
CASE_PAGE_ACTIONS = ("ask", "note", "attach", "attach_internal", "conclude", "report_elimination", "reject_report",
                     "close_case", "cancel_case")


def case_actions(case: MonitoringCase, user) -> set[str]:
    """Names of what ``user`` may do with ``case`` now."""
    actions = set(allowed_actions(user, case)) & set(CASE_PAGE_ACTIONS)
    violation = case.conclusion == Conclusion.VIOLATION_FOUND
    if case.status in FINAL_STATUSES:
        actions -= {"note", "attach", "attach_internal"}
    if case.status not in (CaseStatus.OPEN, CaseStatus.DIALOGUE):
        actions.discard("ask")
    if not violation:
        actions.discard("report_elimination")
    if case.status == CaseStatus.CONCLUDED and violation:
        actions.discard("close_case")  # closes once the elimination report is accepted
    return actions
