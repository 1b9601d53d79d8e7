import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.selectors import audit_events_for
from orders.choices import ApplicationStatus
from orders.models import StateOrder
from orders.services import application_approve, application_reject, application_submit, application_withdraw
from tests.orders.factories import make_application, make_order

pytestmark = pytest.mark.django_db


def make_finding(school, code, *, level="", status="open", severity="error"):
    from checks.models import CheckRun, Finding

    run = CheckRun.objects.create(check_date=dt.date(2026, 11, 12), trigger="command", status="succeeded")
    key = f"school:{school.pk}" + (f":{level}" if level else "")
    return Finding.objects.create(code=code, severity=severity, school=school, level=level, subject_key=key,
                                  rule_version="1", status=status, first_run=run, last_run=run)


class ApplicationSubmitTests:
    def test_a_school_applies_to_a_published_order_of_its_region(self, department_user, school_user):
        order = make_order(actor=department_user)
        application = application_submit(order=order, places={"primary": 10, "general": 0, "basic": 3}, actor=school_user)
        assert application.status == ApplicationStatus.SUBMITTED
        assert application.submitted_at is not None
        assert {row.level: row.requested_places for row in application.levels.all()} == {"primary": 10, "basic": 3}
        [event] = audit_events_for(subject=application)
        assert (event.action, event.to_status, event.data["places"]) == ("application_submitted", "submitted",
                                                                         {"primary": 10, "basic": 3})

    def test_a_school_of_another_region_cannot_apply(self, department_user, other_school_user):
        order = make_order(actor=department_user)
        with pytest.raises(PermissionDeniedError):
            application_submit(order=order, places={"primary": 1}, actor=other_school_user)

    def test_a_draft_order_takes_no_applications(self, department_user, school_user):
        order = make_order(actor=department_user, publish=False)
        with pytest.raises(PermissionDeniedError):  # a school does not even see drafts
            application_submit(order=order, places={"primary": 1}, actor=school_user)

    def test_applications_are_refused_before_and_after_the_window(self, department_user, school_user):
        later = make_order(actor=department_user, opens_in=dt.timedelta(days=2))
        with pytest.raises(DomainError) as error:
            application_submit(order=later, places={"primary": 1}, actor=school_user)
        assert error.value.code == "window_not_open"
        ended = make_order(actor=department_user, opens_in=dt.timedelta(days=-5), open_for=dt.timedelta(days=10))
        StateOrder.objects.filter(pk=ended.pk).update(applications_close_at=ended.applications_open_at + dt.timedelta(days=1))
        with pytest.raises(DomainError) as error:
            application_submit(order=ended, places={"primary": 1}, actor=school_user)
        assert error.value.code == "window_closed"

    def test_places_must_be_for_ordered_levels_and_within_the_order(self, department_user, school_user):
        order = make_order(actor=department_user, levels={"primary": (5, "1000.00")})
        for places, code in [({"basic": 1}, "unknown_level"), ({"primary": 6}, "too_many_places"), ({"primary": 0}, "no_places")]:
            with pytest.raises(DomainError) as error:
                application_submit(order=order, places=places, actor=school_user)
            assert error.value.code == code

    def test_one_live_application_per_school_and_order_but_withdrawing_allows_a_new_one(self, department_user, school_user):
        order = make_order(actor=department_user)
        first = make_application(order=order, actor=school_user)
        with pytest.raises(ConflictError):
            make_application(order=order, actor=school_user)
        application_withdraw(application=first, actor=school_user)
        second = make_application(order=order, actor=school_user)
        assert second.submitted_at > first.submitted_at


class ApplicationBlockTests:
    """A school with an open error finding on S01–S03 cannot apply, and is told exactly why."""

    @pytest.mark.parametrize("code, words", [
        ("S01", "holds no active licence covering this level"),
        ("S02", "activity code (OKED) is 85.31, which is not education"),
        ("S03", "is on the register of unreliable suppliers"),
    ])
    def test_an_open_s01_s02_s03_error_blocks_the_application_naming_the_finding(self, department_user, school_user, school_a,
                                                                                  code, words):
        order = make_order(actor=department_user)
        finding = make_finding(school_a, code, level="primary" if code == "S01" else "")
        with translation.override("en"), pytest.raises(DomainError) as error:
            application_submit(order=order, places={"primary": 1}, actor=school_user)
        message = str(error.value)
        assert message.startswith("Your school cannot apply while these check findings are open:")
        assert f"{code} — " in message and words in message
        # the words are the rule's own explanation (``checks.explanations``), not a second copy
        from checks.explanations import explain

        with translation.override("en"):
            assert explain(finding).summary in message
        assert f"finding #{finding.pk}" in message and "12.11.2026" in message
        assert error.value.details["findings"] == [{"id": finding.pk, "code": code, "level": finding.level}]
        assert not order.applications.exists()

    @pytest.mark.parametrize("code, status, severity", [
        ("S01", "resolved", "error"), ("S01", "explained", "error"), ("S04", "open", "warning"), ("P02", "open", "error"),
    ])
    def test_closed_findings_warnings_and_other_codes_do_not_block(self, department_user, school_user, school_a,
                                                                   code, status, severity):
        order = make_order(actor=department_user)
        make_finding(school_a, code, status=status, severity=severity)
        assert make_application(order=order, actor=school_user).status == ApplicationStatus.SUBMITTED

    def test_another_schools_finding_does_not_block(self, department_user, school_user, school_c):
        make_finding(school_c, "S03")
        assert make_application(order=make_order(actor=department_user), actor=school_user)

    def test_a_suspended_school_cannot_apply(self, department_user, school_user, school_a):
        school_a.status = "suspended"
        school_a.save()
        with pytest.raises(DomainError) as error:
            make_application(order=make_order(actor=department_user), actor=school_user)
        assert error.value.code == "school_not_active"


class ApplicationDecisionTests:
    def test_approval_takes_places_and_money_from_the_order_and_draws_up_the_contract(self, department_user, school_user):
        order = make_order(actor=department_user)
        application = make_application(order=order, actor=school_user, places={"primary": 10, "basic": 5})
        application = application_approve(application=application, actor=department_user, places={"primary": 7, "basic": 5})
        assert application.status == ApplicationStatus.APPROVED
        assert application.decided_by == department_user
        levels = {row.level: row for row in order.levels.all()}
        assert (levels["primary"].approved_places, levels["basic"].approved_places, levels["general"].approved_places) == (7, 5, 0)
        order.refresh_from_db()
        # 9 months (September–May): (7 × 60 000 + 5 × 70 000) × 9
        assert order.committed_amount == Decimal("6930000.00")
        assert application.contract.total_amount == order.committed_amount
        assert {row.level: row.approved_places for row in application.levels.all()} == {"primary": 7, "basic": 5}

    def test_approval_can_never_exceed_the_remaining_places_of_a_level(self, department_user, school_user, school_c_user):
        order = make_order(actor=department_user, levels={"primary": (10, "1000.00")})
        first = make_application(order=order, actor=school_user, places={"primary": 8})
        second = make_application(order=order, actor=school_c_user, places={"primary": 5})
        application_approve(application=first, actor=department_user)
        with translation.override("en"), pytest.raises(ConflictError) as error:
            application_approve(application=second, actor=department_user)
        assert str(error.value) == "Primary (grades 0–4): only 2 places remain in the order, 5 asked."
        assert application_approve(application=second, actor=department_user, places={"primary": 2}).status == "approved"
        assert order.levels.get().approved_places == 10

    def test_approval_can_never_exceed_the_remaining_money(self, department_user, school_user, school_c_user):
        # 9 months × 1 000 KZT = 9 000 per place; the budget pays for 15 places.
        order = make_order(actor=department_user, budget="135000.00", levels={"primary": (100, "1000.00")})
        first = make_application(order=order, actor=school_user, places={"primary": 10})
        second = make_application(order=order, actor=school_c_user, places={"primary": 6})
        application_approve(application=first, actor=department_user)
        with pytest.raises(ConflictError) as error:
            application_approve(application=second, actor=department_user)
        assert error.value.code == "money_exhausted"
        application_approve(application=second, actor=department_user, places={"primary": 5})
        order.refresh_from_db()
        assert order.committed_amount == order.budget == Decimal("135000.00")

    def test_approving_more_than_requested_is_refused(self, department_user, school_user):
        application = make_application(order=make_order(actor=department_user), actor=school_user, places={"primary": 3})
        with pytest.raises(DomainError) as error:
            application_approve(application=application, actor=department_user, places={"primary": 4})
        assert error.value.code == "too_many_places"

    def test_rejection_needs_a_reason_and_takes_nothing(self, department_user, school_user):
        order = make_order(actor=department_user)
        application = make_application(order=order, actor=school_user)
        with pytest.raises(DomainError):
            application_reject(application=application, actor=department_user, reason="  ")
        application = application_reject(application=application, actor=department_user, reason="Licence expires in October")
        assert (application.status, application.reason) == ("rejected", "Licence expires in October")
        order.refresh_from_db()
        assert order.committed_amount == 0
        assert not hasattr(application, "contract")

    def test_another_regions_department_cannot_decide(self, department_user, other_department_user, school_user):
        application = make_application(order=make_order(actor=department_user), actor=school_user)
        with pytest.raises(PermissionDeniedError):
            application_approve(application=application, actor=other_department_user)

    def test_a_school_cannot_approve_and_a_department_cannot_withdraw(self, department_user, school_user):
        application = make_application(order=make_order(actor=department_user), actor=school_user)
        with pytest.raises(PermissionDeniedError):
            application_approve(application=application, actor=school_user)
        with pytest.raises(PermissionDeniedError):
            application_withdraw(application=application, actor=department_user)

    def test_a_decided_application_cannot_be_decided_again_or_withdrawn(self, department_user, school_user):
        application = make_application(order=make_order(actor=department_user), actor=school_user)
        application_approve(application=application, actor=department_user)
        for call in (lambda: application_approve(application=application, actor=department_user),
                     lambda: application_reject(application=application, actor=department_user, reason="x"),
                     lambda: application_withdraw(application=application, actor=school_user)):
            with pytest.raises(ConflictError):
                call()
