"""Monitoring cases: a full case through the API with each role's view, the school never seeing the
monitors' notes, deadlines in working days, attachments, payment_hold, and the monitors' one write exception."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from acts.deadlines import working_day_after
from acts.models import Act, Holiday
from core.models import AuditEvent
from oversight.choices import CaseStatus
from oversight.models import MonitoringCase
from oversight.selectors import payment_hold
from oversight.services import case_ask, case_conclude, case_open, case_report_elimination
from tests.schools.factories import make_finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(school_a):
    return make_finding(school_a, code="S04")


def open_case(api_as, monitor, school, finding=None):
    body = {"subject_kind": "school", "ground": "risk_indicator", "ground_details": "S04 twice in a row"}
    body.update({"finding": finding.pk} if finding is not None else {"subject_id": school.pk})
    response = api_as(monitor).post("/api/v1/monitoring-cases/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


class CaseApiTests:
    def test_a_case_from_opening_to_closing_with_each_roles_view(self, api_as, monitor_user, operator_user, department_user,
                                                                 other_department_user, school_user, other_school_user,
                                                                 finding, school_a):
        case = open_case(api_as, monitor_user, school_a, finding)
        assert (case["status"], case["school"], case["finding"]) == ("open", school_a.pk, finding.pk)
        monitor, school, department = api_as(monitor_user), api_as(school_user), api_as(department_user)
        url = f"/api/v1/monitoring-cases/{case['id']}/"

        to_school = monitor.post(url + "ask/", {"addressee": "school", "text": "Where did the extra pupils study?",
                                                "working_days": 5}, format="json")
        to_department = monitor.post(url + "ask/", {"addressee": "department", "text": "Was the school inspected?"},
                                     format="json")
        assert to_school.status_code == to_department.status_code == 201
        assert monitor.post(url + "notes/", {"text": "Director is a relative of the inspector"}, format="json").status_code == 201
        assert monitor.post(url + "attachments/", {"file": SimpleUploadedFile("memo.txt", b"internal memo"), "internal": True},
                            format="multipart").status_code == 201
        assert monitor.get(url).json()["status"] == "dialogue"

        # Each party answers its own question only.
        question_school, question_department = to_school.json()["id"], to_department.json()["id"]
        assert department.post(f"/api/v1/case-questions/{question_school}/answer/", {"text": "x"}, format="json").status_code == 403
        assert school.post(f"/api/v1/case-questions/{question_school}/answer/", {"text": "They studied here."},
                           format="json").status_code == 200
        assert department.post(f"/api/v1/case-questions/{question_department}/answer/", {"text": "Yes, on 3 March."},
                               format="json").status_code == 200
        assert school.post(url + "attachments/", {"file": SimpleUploadedFile("register.csv", b"iin,grade\n")},
                           format="multipart").status_code == 201

        # What each role sees.
        for client in (school, department):
            seen = client.get(url).json()
            assert seen["notes"] == [] and [a["name"] for a in seen["attachments"]] == ["register.csv"]
            assert len(seen["questions"]) == 2
            assert "relative" not in str(seen)
        for user in (monitor_user, operator_user):
            seen = api_as(user).get(url).json()
            assert [n["text"] for n in seen["notes"]] == ["Director is a relative of the inspector"]
            assert len(seen["attachments"]) == 2
        for outsider in (other_school_user, other_department_user):
            assert api_as(outsider).get(url).status_code == 404
        assert api_as(school_user).get("/api/v1/case-attachments/").json()["count"] == 1

        # Operators read only; the conclusion, the report, the close.
        assert api_as(operator_user).post(url + "conclude/", {"conclusion": "not_found", "text": "x"}, format="json").status_code == 403
        concluded = monitor.post(url + "conclude/", {"conclusion": "violation_found", "text": "Twelve pupils billed twice."},
                                 format="json")
        assert concluded.status_code == 200 and concluded.json()["payment_hold"] is True
        assert monitor.post(url + "close/", {}, format="json").status_code == 409  # the report is pending
        assert school.post(url + "report-elimination/", {"text": "Removed from the act; money returned."},
                           format="json").json()["status"] == "elimination"
        assert monitor.post(url + "reject-report/", {"reason": "Show the bank transfer."}, format="json").json()["status"] == "concluded"
        school.post(url + "report-elimination/", {"text": "Transfer 4711 attached."}, format="json")
        closed = monitor.post(url + "close/", {"reason": "Report accepted."}, format="json")
        assert closed.json()["status"] == "closed" and closed.json()["payment_hold"] is False
        assert school.get(url).json()["conclusion_text"] == "Twelve pupils billed twice."

        actions = list(AuditEvent.objects.filter(object_id=str(case["id"]), content_type__model="monitoringcase")
                       .order_by("seq").values_list("action", flat=True))
        assert actions == ["case_opened", "case_dialogue_started", "case_question_asked", "case_question_asked",
                           "case_question_answered", "case_question_answered", "case_concluded", "case_report_submitted",
                           "case_report_rejected", "case_report_submitted", "case_closed"]
        assert AuditEvent.objects.filter(action__in=["case_note_added", "case_attachment_added"]).count() == 3

    def test_only_monitors_open_cases_and_the_school_sees_its_own(self, api_as, monitor_user, operator_user, school_user,
                                                                  department_user, school_a, school_b):
        body = {"subject_kind": "school", "subject_id": school_a.pk, "ground": "media", "ground_details": "press"}
        for user in (operator_user, school_user, department_user):
            assert api_as(user).post("/api/v1/monitoring-cases/", body, format="json").status_code == 403
        open_case(api_as, monitor_user, school_a)
        open_case(api_as, monitor_user, school_b)
        assert api_as(school_user).get("/api/v1/monitoring-cases/").json()["count"] == 1
        assert api_as(department_user).get("/api/v1/monitoring-cases/").json()["count"] == 1
        assert api_as(operator_user).get("/api/v1/monitoring-cases/").json()["count"] == 2

    def test_bad_input_gets_a_clear_error_and_changes_nothing(self, api_as, monitor_user, school_a):
        monitor = api_as(monitor_user)
        missing = monitor.post("/api/v1/monitoring-cases/", {"subject_kind": "contract", "subject_id": 999999, "ground": "other",
                                                             "ground_details": "x"}, format="json")
        assert missing.status_code == 400 and missing.json()["error"]["fields"]["subject_id"]
        blank = monitor.post("/api/v1/monitoring-cases/", {"subject_kind": "school", "subject_id": school_a.pk,
                                                           "ground": "nonsense", "ground_details": ""}, format="json")
        assert blank.status_code == 400
        assert MonitoringCase.objects.count() == 0

    def test_a_monitor_still_cannot_write_anything_else(self, api_as, monitor_user, finding):
        monitor = api_as(monitor_user)
        assert monitor.post(f"/api/v1/findings/{finding.pk}/waive/", {"reason": "x"}, format="json").status_code == 403
        assert monitor.post("/api/v1/state-orders/", {}, format="json").status_code == 403

    def test_attachments_are_size_limited_and_hashed(self, api_as, monitor_user, school_a, settings):
        settings.OVERSIGHT_ATTACHMENT_MAX_BYTES = 10
        case = open_case(api_as, monitor_user, school_a)
        url = f"/api/v1/monitoring-cases/{case['id']}/attachments/"
        too_big = api_as(monitor_user).post(url, {"file": SimpleUploadedFile("a.bin", b"x" * 11)}, format="multipart")
        assert too_big.status_code == 400
        ok = api_as(monitor_user).post(url, {"file": SimpleUploadedFile("a.bin", b"hello")}, format="multipart").json()
        assert ok["sha256"] == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        download = api_as(monitor_user).get(f"/api/v1/case-attachments/{ok['id']}/download/")
        assert b"".join(download.streaming_content) == b"hello"


class CaseRulesTests:
    def test_answers_are_due_in_working_days_without_the_holidays(self, school_a, monitor_user):
        assert working_day_after(dt.date(2026, 10, 2), 2) == dt.date(2026, 10, 6)  # Friday + 2: Tuesday
        Holiday.objects.create(date=dt.date(2026, 10, 5), name_kk="Тест", name_ru="Тест", name_en="Test")
        assert working_day_after(dt.date(2026, 10, 2), 2) == dt.date(2026, 10, 7)  # Monday off: Wednesday

    def test_a_question_asked_before_a_holiday_is_due_a_working_day_later(self, school_a, monitor_user):
        from django.utils import timezone

        today = timezone.localdate()
        without = working_day_after(today, 1)
        Holiday.objects.create(date=without, name_kk="Тест", name_ru="Тест", name_en="Test")
        case = case_open(actor=monitor_user, subject_kind="school", subject_id=school_a.pk, ground="media", ground_details="x")
        question = case_ask(case=case, actor=monitor_user, addressee="school", text="?", working_days=1)
        assert question.due_on == working_day_after(today, 1) > without

    def test_payment_waits_while_a_violation_on_the_act_awaits_its_report(self, school_a, monitor_user, school_user):
        from tests.acts.factories import make_contract

        contract = make_contract(school=school_a)

        act = Act.objects.create(contract=contract, school=contract.school, month=dt.date(2025, 10, 1), due_on=dt.date(2025, 11, 5),
                                 built_at=dt.datetime(2025, 11, 1, tzinfo=dt.UTC), built_by=school_user)
        case = case_open(actor=monitor_user, subject_kind="act", subject_id=act.pk, ground="audit_request", ground_details="x")
        assert not payment_hold(act.pk)
        case_ask(case=case, actor=monitor_user, addressee="school", text="?", working_days=1)
        case.refresh_from_db()
        assert not payment_hold(act.pk)
        assert case.status == CaseStatus.DIALOGUE
        case.questions.update(due_on=dt.date(2020, 1, 1))  # the deadline passed unanswered
        case_conclude(case=case, actor=monitor_user, conclusion="violation_found", text="Billed twice.")
        assert payment_hold(act.pk) and not payment_hold(act.pk + 1)
        case_report_elimination(case=case, actor=school_user, text="Fixed.")
        assert payment_hold(act.pk)  # submitted, not yet accepted
        from oversight.services import case_close

        case_close(case=case, actor=monitor_user)
        assert not payment_hold(act.pk)

    def test_a_conclusion_waits_for_answers_still_within_their_deadline(self, school_a, monitor_user):
        from core.errors import ConflictError

        case = case_open(actor=monitor_user, subject_kind="school", subject_id=school_a.pk, ground="media", ground_details="x")
        case_ask(case=case, actor=monitor_user, addressee="school", text="?", working_days=3)
        with pytest.raises(ConflictError):
            case_conclude(case=case, actor=monitor_user, conclusion="not_found", text="x")


def _views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


class MonitorWriteExceptionTests:
    def test_only_monitoring_case_actions_and_views_let_a_monitor_write(self, monitor_user):
        from core.decorators import resolve_model
        from core.scoping import MONITOR_ACTIONS, may

        assert MONITOR_ACTIONS and {model for model, _action in MONITOR_ACTIONS} == {"oversight.MonitoringCase"}
        allowed = {(route, callback.__module__) for route, callback in _views(get_resolver().url_patterns)
                   if getattr(callback, "permission", None)
                   and may(monitor_user, callback.permission[1], resolve_model(callback.permission[0]))}
        assert allowed, "the case views declare their actions"
        assert {module for _route, module in allowed} == {"oversight.views"}
        assert all("cases/" in route for route, _m in allowed), allowed

    def test_a_monitor_posts_case_pages_but_no_other_page(self, client, monitor_user, school_a, finding):
        client.force_login(monitor_user)
        response = client.post("/en/oversight/cases/new/", {"subject_kind": "school", "subject_id": school_a.pk,
                                                             "ground": "media", "ground_details": "press report"})
        assert response.status_code == 302 and MonitoringCase.objects.count() == 1
        assert client.post(f"/en/checks/findings/{finding.pk}/decide/", {"decision": "waive", "reason": "x"}).status_code == 403

    def test_school_page_shows_questions_and_conclusion_never_notes(self, client, monitor_user, school_user, school_a):
        case = case_open(actor=monitor_user, subject_kind="school", subject_id=school_a.pk, ground="media", ground_details="x")
        from oversight.services import case_note_add

        case_ask(case=case, actor=monitor_user, addressee="school", text="Send the class registers.")
        case_note_add(case=case, actor=monitor_user, text="SECRET-NOTE")
        client.force_login(school_user)
        page = client.get(f"/en/oversight/cases/{case.pk}/").content.decode()
        assert "Send the class registers." in page and "SECRET-NOTE" not in page
        client.force_login(monitor_user)
        assert "SECRET-NOTE" in client.get(f"/en/oversight/cases/{case.pk}/").content.decode()

    def test_the_department_answers_on_the_page(self, client, monitor_user, department_user, school_a):
        case = case_open(actor=monitor_user, subject_kind="school", subject_id=school_a.pk, ground="media", ground_details="x")
        question = case_ask(case=case, actor=monitor_user, addressee="department", text="Inspected?")
        client.force_login(department_user)
        assert client.post(f"/en/oversight/questions/{question.pk}/answer/", {"text": "Yes."}).status_code == 302
        question.refresh_from_db()
        assert question.answer == "Yes." and question.answered_by == department_user


class ActCasesFragmentTests:
    def test_the_act_page_shows_the_cases_in_progress_and_whether_the_payment_waits(
            self, client, school_a, school_user, department_user, other_department_user, monitor_user):
        from oversight.services import case_close
        from tests.acts.factories import make_contract

        contract = make_contract(school=school_a)
        act = Act.objects.create(contract=contract, school=school_a, month=dt.date(2025, 10, 1), due_on=dt.date(2025, 11, 5),
                                 built_at=dt.datetime(2025, 11, 1, tzinfo=dt.UTC), built_by=school_user)
        case = case_open(actor=monitor_user, subject_kind="act", subject_id=act.pk, ground="media", ground_details="x")
        url = f"/en/oversight/acts/{act.pk}/cases/"
        for user in (school_user, department_user, monitor_user):
            client.force_login(user)
            fragment = client.get(url).content.decode()
            assert case.number in fragment and 'data-testid="act-payment-hold"' not in fragment, user
        client.force_login(other_department_user)
        assert client.get(url).status_code == 404
        case_conclude(case=case, actor=monitor_user, conclusion="violation_found", text="Billed twice.")
        client.force_login(department_user)
        assert 'data-testid="act-payment-hold"' in client.get(url).content.decode()
        case.refresh_from_db()
        case_report_elimination(case=case, actor=school_user, text="Fixed.")
        case_close(case=case, actor=monitor_user)
        assert case.number not in client.get(url).content.decode()  # closed: no longer in progress
        page = client.get(f"/en/acts/{act.pk}/").content.decode()
        assert f'hx-get="{url}"' in page
