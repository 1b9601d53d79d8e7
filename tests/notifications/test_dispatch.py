"""What makes notifications: the real services' audit events, check runs, deadlines — each told once."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.choices import NotificationKind as Kind
from notifications.dispatch import audit_event_notify, audit_events_sweep, deadline_reminders, new_findings_notify
from notifications.models import Notification
from tests.portal.factories import TODAY, make_act

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def tell_everything_recorded():
    from core.models import AuditEvent

    for event in AuditEvent.objects.order_by("id"):
        audit_event_notify(event=event)


class AuditEventTests:
    def test_the_order_flow_tells_the_school_and_the_department_what_waits_for_them(self, department_user, school_user):
        from tests.orders.factories import make_active_contract, make_order

        order = make_order(actor=department_user)
        make_active_contract(order=order, school_actor=school_user, department_actor=department_user)
        tell_everything_recorded()
        # The school: its application decided, its contract to sign. The department: the school signed.
        assert kinds(school_user) == [Kind.APPLICATION_DECIDED, Kind.CONTRACT_TO_SIGN]
        assert kinds(department_user) == [Kind.CONTRACT_TO_SIGN]
        decided = Notification.objects.get(user=school_user, kind=Kind.APPLICATION_DECIDED)
        assert decided.url_name == "orders:application_detail"

    def test_telling_an_event_twice_tells_it_once_and_nobody_is_told_their_own_action(self, department_user, school_user,
                                                                                     other_department_user):
        from tests.orders.factories import make_active_contract, make_order

        make_active_contract(order=make_order(actor=department_user), school_actor=school_user,
                             department_actor=department_user)
        tell_everything_recorded()
        before = Notification.objects.count()
        tell_everything_recorded()
        assert Notification.objects.count() == before
        assert not Notification.objects.filter(user=other_department_user).exists()  # another region

    def test_a_returned_act_tells_the_school_with_the_reason(self, school_a, school_user, department_user):
        from acts.services import act_return
        from tests.acts.factories import make_contract

        act = make_act(contract=make_contract(school=school_a), month=dt.date(2025, 10, 1), status="submitted",
                       review_due_on=dt.date(2025, 11, 14))
        act_return(act=act, actor=department_user, reason="Қол қойылмаған")
        tell_everything_recorded()
        (notification,) = Notification.objects.filter(user=school_user)
        assert notification.kind == Kind.ACT_RETURNED
        from notifications.texts import notification_text

        assert "Қол қойылмаған" in notification_text(notification)

    def test_the_sweep_tells_events_written_without_a_signal(self, department_user, school_user):
        from core.models import AuditEvent
        from orders.choices import ApplicationEvent
        from tests.orders.factories import make_active_contract, make_order

        make_active_contract(order=make_order(actor=department_user), school_actor=school_user,
                             department_actor=department_user)
        assert AuditEvent.objects.filter(action=ApplicationEvent.APPROVED).exists()
        assert Notification.objects.count() == 0  # nothing ran after commit in this test
        assert audit_events_sweep() == 3
        assert audit_events_sweep() == 0


class NewFindingsTests:
    def test_a_run_tells_each_school_and_its_regions_department_of_its_new_findings(self, school_a, school_b, school_user,
                                                                                    other_school_user, department_user,
                                                                                    other_department_user):
        from tests.acts.factories import make_check_run, make_finding

        earlier, run = make_check_run(), make_check_run()
        make_finding(school=school_a, code="S04", run=earlier)  # not new in ``run``
        make_finding(school=school_a, code="S03", run=run)
        make_finding(school=school_a, code="S02", run=run)
        assert new_findings_notify(run=run) == 2
        assert new_findings_notify(run=run) == 0
        (school_note,) = Notification.objects.filter(user=school_user)
        assert school_note.params["count"] == 2 and school_note.url_query == f"run={run.pk}"
        assert Notification.objects.filter(user=department_user, kind=Kind.NEW_FINDINGS).count() == 1
        assert not Notification.objects.filter(user__in=[other_school_user, other_department_user]).exists()


class DeadlineTests:
    def test_acts_due_within_three_days_and_overdue_acts_are_told_once(self, school_a, school_user, department_user):
        from tests.acts.factories import make_contract

        contract = make_contract(school=school_a)
        make_act(contract=contract, month=dt.date(2025, 9, 1), status="submitted", review_due_on=dt.date(2025, 12, 5))
        make_act(contract=contract, month=dt.date(2025, 10, 1), status="draft")
        # November: no act yet, due 5 December (in two days); October: a draft due 5 November (overdue).
        created = deadline_reminders(today=TODAY)
        assert deadline_reminders(today=TODAY) == 0
        assert created == 3
        school = dict(Notification.objects.filter(user=school_user).values_list("params__month", "kind"))
        assert school == {"2025-11-01": Kind.DEADLINE_SOON, "2025-10-01": Kind.DEADLINE_OVERDUE}
        (review,) = Notification.objects.filter(user=department_user)
        assert review.kind == Kind.DEADLINE_SOON and review.params["step"] == "review"

    def test_a_deadline_soon_then_passed_is_told_both_times(self, school_a, school_user):
        from tests.acts.factories import make_contract

        make_contract(school=school_a, period=(dt.date(2025, 9, 1), dt.date(2025, 11, 30)))
        deadline_reminders(today=dt.date(2025, 10, 3))  # September's act due 5 October
        deadline_reminders(today=dt.date(2025, 10, 4))
        deadline_reminders(today=dt.date(2025, 10, 6))
        assert kinds(school_user) == [Kind.DEADLINE_OVERDUE, Kind.DEADLINE_SOON]
