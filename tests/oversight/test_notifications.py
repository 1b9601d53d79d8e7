"""Every step of a monitoring case is e-mailed, after the commit, to the people it concerns, in Kazakh and Russian."""

from __future__ import annotations

import pytest
from django.core import mail

from oversight.choices import CaseStep
from oversight.notifications import RECIPIENTS
from oversight.services import (
    case_answer,
    case_ask,
    case_cancel,
    case_close,
    case_conclude,
    case_note_add,
    case_open,
    case_reject_report,
    case_report_elimination,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager(monkeypatch):
    """The task runs where it is queued, as a worker would run it (its body is what is tested)."""
    from celery import current_app

    monkeypatch.setattr(current_app.conf, "task_always_eager", True)


@pytest.fixture
def people(school_a, school_user, department_user, other_department_user, monitor_user):
    for user, email in ((school_user, "school@a.kz"), (department_user, "dept@astana.kz"),
                        (other_department_user, "dept@almaty.kz"), (monitor_user, "monitor@ac.kz")):
        user.email = email
        user.save(update_fields=["email"])
    school_a.email = "office@a.kz"
    school_a.save(update_fields=["email"])
    idle = make_user("monitor2", role="monitor")
    idle.email = "idle@ac.kz"
    idle.save(update_fields=["email"])
    return school_user, department_user, monitor_user


def sent(capture, step_call):
    """Run one step, then its commit callbacks; return the addresses of the one e-mail sent."""
    mail.outbox.clear()
    with capture(execute=True):
        step_call()
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    return mail.outbox[0]


class CaseNotificationTests:
    def test_every_step_reaches_the_people_it_concerns(self, people, school_a, django_capture_on_commit_callbacks):
        school_user, department_user, monitor = people
        parties = ["dept@astana.kz", "office@a.kz", "school@a.kz"]
        capture = django_capture_on_commit_callbacks
        holder = {}

        def open_():
            holder["case"] = case_open(actor=monitor, subject_kind="school", subject_id=school_a.pk, ground="media",
                                       ground_details="A newspaper story")

        message = sent(capture, open_)
        case = holder["case"]
        assert message.to == parties and case.number in message.subject and " / " in message.subject
        assert f"/kk/oversight/cases/{case.pk}/" in message.body

        message = sent(capture, lambda: holder.update(q=case_ask(case=case, actor=monitor, addressee="department",
                                                                 text="Who checked the March act?", working_days=2)))
        assert message.to == ["dept@astana.kz"] and "Who checked the March act?" in message.body
        assert holder["q"].due_on.strftime("%Y-%m-%d") in message.body

        message = sent(capture, lambda: case_answer(question=holder["q"], actor=department_user, text="Inspector Ahmetova."))
        assert message.to == ["monitor@ac.kz"] and "Inspector Ahmetova." in message.body

        with capture(execute=True):
            case_note_add(case=case, actor=monitor, text="Internal: compare with the NOBD export.")
        assert not any("compare with the NOBD" in m.body for m in mail.outbox)  # a note is not a step

        message = sent(capture, lambda: case_conclude(case=case, actor=monitor, conclusion="violation_found",
                                                      text="Two pupils billed twice."))
        assert message.to == parties and "Two pupils billed twice." in message.body

        message = sent(capture, lambda: case_report_elimination(case=case, actor=school_user, text="Refunded."))
        assert message.to == ["monitor@ac.kz"] and "Refunded." in message.body  # the idle monitor hears nothing

        message = sent(capture, lambda: case_reject_report(case=case, actor=monitor, reason="No bank statement."))
        assert message.to == parties and "No bank statement." in message.body

        sent(capture, lambda: case_report_elimination(case=case, actor=school_user, text="Statement attached."))
        message = sent(capture, lambda: case_close(case=case, actor=monitor))
        assert message.to == parties

    def test_a_cancelled_case_tells_the_parties_why_and_a_rolled_back_step_sends_nothing(
            self, people, school_a, django_capture_on_commit_callbacks):
        _school, _department, monitor = people
        with django_capture_on_commit_callbacks(execute=True):
            case = case_open(actor=monitor, subject_kind="school", subject_id=school_a.pk, ground="other", ground_details="x")
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(Exception):  # noqa: B017,PT011 - the refusal itself is tested in test_cases
                case_close(case=case, actor=monitor)
        assert callbacks == [] and mail.outbox == []
        with django_capture_on_commit_callbacks(execute=True):
            case_cancel(case=case, actor=monitor, reason="Opened on the wrong school.")
        assert len(mail.outbox) == 1 and "Opened on the wrong school." in mail.outbox[0].body

    def test_the_e_mail_is_in_kazakh_and_russian(self, people, school_a, django_capture_on_commit_callbacks):
        *_rest, monitor = people
        with django_capture_on_commit_callbacks(execute=True):
            case_open(actor=monitor, subject_kind="school", subject_id=school_a.pk, ground="media", ground_details="x")
        kk, ru = mail.outbox[0].body.split("— — —")
        assert kk.strip() != ru.strip() and "мониторинг" in ru.lower()

    def test_nobody_with_an_address_means_no_e_mail(self, school_a, monitor_user, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            case = case_open(actor=monitor_user, subject_kind="school", subject_id=school_a.pk, ground="other",
                             ground_details="x")
            case_ask(case=case, actor=monitor_user, addressee="school", text="?", working_days=1)
        assert mail.outbox == []

    def test_every_step_has_a_recipient_rule(self):
        assert set(RECIPIENTS) == set(CaseStep.values)
