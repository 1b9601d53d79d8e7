"""Findings and check runs move only through their declared transitions (``checks.transitions``)."""

import pytest

from checks.choices import CheckRunEvent, CheckRunStatus, FindingStatus
from checks.runs import run_transition
from checks.services import finding_explain, finding_resolve, finding_waive
from checks.transitions import FINDING_TRANSITIONS
from core.errors import ConflictError
from core.selectors import audit_events_for
from tests.schools.factories import make_finding, make_run

SERVICES = {
    "explain": lambda finding, user: finding_explain(finding=finding, actor=user, explanation="Why"),
    "waive": lambda finding, user: finding_waive(finding=finding, actor=user, reason="Why"),
    "resolve": lambda finding, user: finding_resolve(finding=finding, actor=user, reason="Why"),
}


@pytest.mark.django_db
class FindingTransitionTests:
    @pytest.mark.parametrize("status", FindingStatus.values)
    @pytest.mark.parametrize("action", list(SERVICES))
    def test_a_decision_is_taken_exactly_from_the_declared_statuses(self, school_a, school_user, operator_user, status, action):
        finding = make_finding(school_a, code="S04", details={"pupils": 620, "capacity": 600}, status=status)
        user = school_user if action == "explain" else operator_user
        spec = FINDING_TRANSITIONS[action]
        if status in spec.sources:
            assert SERVICES[action](finding, user).status == spec.target
            audit = audit_events_for(subject=finding).get()
            assert (audit.action, audit.from_status, audit.to_status, audit.reason) == (spec.event, status, spec.target, "Why")
        else:
            with pytest.raises(ConflictError):
                SERVICES[action](finding, user)
            finding.refresh_from_db()
            assert finding.status == status and not audit_events_for(subject=finding).exists()


@pytest.mark.django_db
class CheckRunTransitionTests:
    def test_a_run_ends_once_and_its_end_is_audited(self):
        run = make_run()
        run.status = CheckRunStatus.RUNNING
        run.save()
        assert run_transition(run, "fail", reason="boom", error="boom")
        assert not run_transition(run, "succeed")  # a failed run does not succeed afterwards
        run.refresh_from_db()
        assert run.status == CheckRunStatus.FAILED
        assert [e.action for e in audit_events_for(subject=run)] == [CheckRunEvent.FAILED]
