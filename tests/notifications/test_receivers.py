"""The notifications hear of events after the transaction commits, through Celery tasks named by string."""

from __future__ import annotations

import pytest

from notifications import tasks
from notifications.choices import NotificationKind as Kind
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_tasks_inline(tasks_run_inline):
    """The tasks run at once (the worker's part); records what was queued (tests/conftest.py)."""
    return tasks_run_inline


class AfterCommitTests:
    def test_a_decided_application_is_told_after_commit_and_emailed_once(self, department_user, school_user,
                                                                         django_capture_on_commit_callbacks,
                                                                         run_tasks_inline, mailoutbox):
        from orders.services import application_approve
        from tests.orders.factories import make_application, make_order

        school_user.email = "school@example.kz"
        school_user.save(update_fields=["email"])
        application = make_application(order=make_order(actor=department_user), actor=school_user)
        with django_capture_on_commit_callbacks(execute=True):
            application_approve(application=application, actor=department_user)
        told = Notification.objects.filter(user=school_user)
        assert set(told.values_list("kind", flat=True)) == {Kind.APPLICATION_DECIDED, Kind.CONTRACT_TO_SIGN}
        assert {name for name, _args in run_tasks_inline} == {"notifications.tasks.notify_audit_event",
                                                              "notifications.tasks.send_notification_email"}
        assert len(mailoutbox) == 2
        # The worker gets the same message again (a retry): nothing more is stored or sent.
        for name, args in list(run_tasks_inline):
            getattr(tasks, name.rsplit(".", 1)[1])(*args)
        assert told.count() == 2 and len(mailoutbox) == 2

    def test_nothing_is_told_when_the_transaction_rolls_back(self, department_user, school_user,
                                                            django_capture_on_commit_callbacks, run_tasks_inline):
        from django.db import transaction

        from orders.services import application_approve
        from tests.orders.factories import make_application, make_order

        application = make_application(order=make_order(actor=department_user), actor=school_user)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    application_approve(application=application, actor=department_user)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        assert callbacks == [] and run_tasks_inline == []
        assert not Notification.objects.exists()

    def test_a_succeeded_check_run_queues_the_new_findings_task(self, school_a, school_user,
                                                               django_capture_on_commit_callbacks, run_tasks_inline):
        from checks.models import CheckRun
        from checks.signals import check_run_succeeded
        from tests.acts.factories import make_check_run, make_finding

        run = make_check_run()
        make_finding(school=school_a, code="S03", run=run)
        with django_capture_on_commit_callbacks(execute=True):
            check_run_succeeded.send(sender=CheckRun, run=run)
        assert ("notifications.tasks.notify_new_findings", (run.pk,)) in run_tasks_inline
        assert Notification.objects.filter(user=school_user, kind=Kind.NEW_FINDINGS).count() == 1
