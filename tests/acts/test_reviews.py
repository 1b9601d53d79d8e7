import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from acts.choices import ActStatus, LineDecision, LineRejectReason, SubmissionOutcome
from acts.models import ActSubmission
from acts.selectors import lines_with_findings
from acts.services import act_accept, act_build, act_lines_decide, act_partly_accept, act_return, act_submit
from checks.services import finding_waive
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.models import AuditEvent
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_enrolment, make_finding
from tests.acts.helpers import inspect_sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(contract, school_a, school_user):
    """A submitted October act with three primary pupils and one basic pupil."""
    enrolments = [make_enrolment(school=school_a, grade=2) for _ in range(3)] + [make_enrolment(school=school_a, grade=6)]
    act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
    act = act_submit(act=act, actor=school_user, today=TODAY)
    return act, enrolments


def line_of(act, enrolment):
    return act.lines.get(enrolment=enrolment, version=act.version)


class LineFindingTests:
    def test_each_line_shows_its_findings_and_an_open_error_makes_it_not_payable(self, submitted, school_a):
        act, (e1, e2, e3, e4) = submitted
        make_finding(school=school_a, code="P03", enrolment=e1)
        make_finding(school=school_a, code="P06", enrolment=e2)  # a warning
        make_finding(school=school_a, code="P02", enrolment=e3, status="waived")
        make_finding(school=school_a, code="S05", level="basic")  # the school, for the basic level only
        lines = {line.enrolment_id: line for line in lines_with_findings(act=act)}
        assert [f.code for f in lines[e1.pk].findings] == ["P03"] and lines[e1.pk].blocked
        assert [f.code for f in lines[e2.pk].findings] == ["P06"] and not lines[e2.pk].blocked
        assert [f.code for f in lines[e3.pk].findings] == ["P02"] and not lines[e3.pk].blocked
        assert [f.code for f in lines[e4.pk].findings] == ["S05"] and lines[e4.pk].blocked

    @pytest.mark.parametrize("code", ["S02", "S03"])
    def test_a_school_wide_error_blocks_every_line(self, submitted, school_a, code):
        act, _ = submitted
        make_finding(school=school_a, code=code)
        assert all(line.blocked for line in lines_with_findings(act=act))

    def test_a_resolved_finding_or_another_schools_finding_does_not_concern_the_line(self, submitted, school_a, school_b):
        act, (e1, *_rest) = submitted
        make_finding(school=school_a, code="P03", enrolment=e1, status="resolved")
        make_finding(school=school_b, code="S03")
        assert not any(line.blocked or line.findings for line in lines_with_findings(act=act))


class ReviewTests:
    def test_the_act_is_accepted_only_after_every_line_is_decided(self, submitted, department_user):
        act, (e1, e2, e3, e4) = submitted
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED,
                         lines=[line_of(act, e).pk for e in (e1, e2, e3)])
        with translation.override("en"), pytest.raises(DomainError, match="1 line"):
            act_accept(act=act, actor=department_user)
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED, selection="pending_payable")
        inspect_sample(act=act, department_user=department_user)
        act = act_accept(act=act, actor=department_user)
        assert act.status == ActStatus.ACCEPTED and act.accepted_amount == act.total_amount
        assert ActSubmission.objects.get(act=act).outcome == SubmissionOutcome.ACCEPTED

    def test_a_line_with_an_open_error_cannot_be_accepted_until_the_finding_is_waived(self, submitted, school_a,
                                                                                     department_user):
        act, (e1, *_rest) = submitted
        finding = make_finding(school=school_a, code="P04", enrolment=e1)
        with translation.override("en"), pytest.raises(DomainError, match=e1.pupil.iin):
            act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED, lines=[line_of(act, e1).pk])
        finding_waive(finding=finding, actor=department_user, reason="НОБД-дағы қате, мектеп растады")
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED, lines=[line_of(act, e1).pk])
        assert line_of(act, e1).decision == LineDecision.ACCEPTED

    def test_partly_accepting_rejects_named_lines_with_a_reason_code(self, submitted, school_a, department_user):
        act, (e1, e2, e3, e4) = submitted
        make_finding(school=school_a, code="P03", enrolment=e1)
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED, selection="pending_payable")
        with pytest.raises(DomainError):  # an error line stays undecided: not inspected yet
            act_accept(act=act, actor=department_user)
        inspect_sample(act=act, department_user=department_user)
        act = act_partly_accept(act=act, actor=department_user, rejections=[
            {"line": line_of(act, e1).pk, "reason": LineRejectReason.CHECK_ERROR},
            {"line": line_of(act, e2).pk, "reason": LineRejectReason.NO_DOCUMENTS, "note": "Бұйрық жоқ"},
        ])
        assert act.status == ActStatus.PARTLY_ACCEPTED
        assert act.accepted_amount == line_of(act, e3).amount + line_of(act, e4).amount
        rejected = line_of(act, e2)
        assert (rejected.decision, rejected.reject_reason, rejected.decision_note) == ("rejected", "no_documents", "Бұйрық жоқ")
        submission = ActSubmission.objects.get(act=act)
        assert (submission.outcome, submission.accepted_amount) == (SubmissionOutcome.PARTLY_ACCEPTED, act.accepted_amount)
        event = AuditEvent.objects.get(action="act_partly_accepted", object_id=str(act.pk))
        assert Decimal(event.data["rejected_amount"]) == line_of(act, e1).amount + rejected.amount

    def test_a_rejection_needs_a_valid_reason_and_other_needs_a_note(self, submitted, department_user):
        act, (e1, *_rest) = submitted
        line = line_of(act, e1).pk
        with pytest.raises(DomainError):
            act_lines_decide(act=act, actor=department_user, decision=LineDecision.REJECTED, lines=[line], reason="bogus")
        with pytest.raises(DomainError):
            act_lines_decide(act=act, actor=department_user, decision=LineDecision.REJECTED, lines=[line], reason="other")
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.REJECTED, lines=[line], reason="other",
                         note="Сынып журналы сәйкес емес")

    def test_partly_accepting_without_rejections_or_accepting_with_rejections_is_refused(self, submitted, department_user):
        act, (e1, *_rest) = submitted
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED, selection="pending_payable")
        with pytest.raises(DomainError):
            act_partly_accept(act=act, actor=department_user)
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.REJECTED, lines=[line_of(act, e1).pk],
                         reason=LineRejectReason.NOT_TAUGHT)
        with pytest.raises(DomainError):
            act_accept(act=act, actor=department_user)

    def test_a_finding_that_appears_after_the_line_was_accepted_stops_the_acceptance(self, submitted, school_a,
                                                                                    department_user):
        act, (e1, *_rest) = submitted
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED, selection="pending_payable")
        make_finding(school=school_a, code="P05", enrolment=e1)
        with translation.override("en"), pytest.raises(DomainError, match="now have an open error"):
            act_accept(act=act, actor=department_user)

    def test_only_the_department_of_the_region_reviews(self, submitted, other_department_user, school_user, operator_user):
        act, _ = submitted
        for user in (other_department_user, school_user, operator_user):
            with pytest.raises(PermissionDeniedError):
                act_lines_decide(act=act, actor=user, decision=LineDecision.ACCEPTED, selection="pending_payable")
            with pytest.raises(PermissionDeniedError):
                act_return(act=act, actor=user, reason="x")

    def test_returning_needs_a_reason_and_ends_the_review(self, submitted, department_user):
        act, _ = submitted
        with pytest.raises(DomainError):
            act_return(act=act, actor=department_user, reason="  ")
        act = act_return(act=act, actor=department_user, reason="Күндер сәйкес емес")
        assert (act.status, act.return_reason) == (ActStatus.RETURNED, "Күндер сәйкес емес")
        with pytest.raises(ConflictError):
            act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED, selection="pending_payable")

    def test_a_draft_cannot_be_reviewed(self, contract, school_a, school_user, department_user):
        make_enrolment(school=school_a)
        act = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        with pytest.raises(ConflictError):
            act_accept(act=act, actor=department_user)

    def test_lines_of_another_act_cannot_be_decided_here(self, submitted, contract, school_a, school_user, department_user):
        act, _ = submitted
        other = act_build(contract=contract, month=dt.date(2025, 9, 1), actor=school_user, today=TODAY)
        with pytest.raises(DomainError):
            act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED,
                             lines=[other.lines.first().pk])
