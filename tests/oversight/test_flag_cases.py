"""Monitoring cases opened from a risk flag (issue 14) and from a procurement red flag (issue 17): the case names the
flag as its subject and keeps the flag's school and region for scoping; only monitors open one; the flag pages show
the button and the cases on the flag; a red flag without one school makes a case of its region only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import DomainError, PermissionDeniedError
from core.models import AuditEvent
from oversight.choices import CaseEvent, SubjectKind
from oversight.models import MonitoringCase
from oversight.services import case_ask, case_open
from procurement.choices import FlagCode
from procurement.models import FlagRun, ProcurementFlag
from risk.engine import risk_run_now
from risk.models import RiskFlag
from tests.factories import make_user
from tests.procurement.factories import make_contract
from tests.risk.factories import D, Y, enrol_many, new_iin, nobd, snapshots

pytestmark = pytest.mark.django_db


@pytest.fixture
def risk_flag(tmp_path, school_a):
    """An R03 flag (a contingent that jumps from 0 to 25) at school A."""
    iin = new_iin()
    _previous, snapshot = snapshots(tmp_path, [nobd(iin, school_a.bin, enrolled_on=Y)], [nobd(iin, school_a.bin, enrolled_on=Y)])
    enrol_many(school=school_a, count=25, enrolled_on=D - dt.timedelta(days=5))
    risk_run_now(snapshot=snapshot)
    return RiskFlag.objects.get(code="R03", school=school_a)


def red_flag(*, region, school=None, code=FlagCode.UNRELIABLE_SUPPLIER) -> ProcurementFlag:
    contract = make_contract(region=region)
    run = FlagRun.objects.create(as_of=dt.date(2025, 12, 1))
    now = timezone.now()
    return ProcurementFlag.objects.create(code=code, key=f"contract:{contract.pk}", region=region, contract=contract,
                                          school=school, summary=contract.number, evidence={"contract": contract.pk},
                                          first_raised_at=now, last_seen_at=now, last_run=run)


class RiskFlagCaseTests:
    def test_a_monitor_opens_a_case_on_a_risk_flag_with_its_school_region_and_an_audit_event(
            self, risk_flag, monitor_user, department_user, other_department_user, school_user):
        case = case_open(actor=monitor_user, subject_kind=SubjectKind.RISK_FLAG, subject_id=risk_flag.pk,
                         ground="risk_indicator", ground_details="R03 jump")
        assert (case.subject_kind, case.subject_id, case.school_id, case.region_id) == (
            "risk_flag", risk_flag.pk, risk_flag.school_id, risk_flag.school.region_id)
        event = AuditEvent.objects.get(action=CaseEvent.OPENED, object_id=str(case.pk))
        assert event.data["subject"] == "risk_flag" and event.data["flag"]["code"] == "R03"
        assert event.data["flag"]["evidence_sha256"] == risk_flag.evidence_sha256
        assert set(MonitoringCase.objects.visible_to(department_user)) == {case}
        assert not MonitoringCase.objects.visible_to(other_department_user).exists()
        assert set(MonitoringCase.objects.visible_to(school_user)) == {case}  # the procedure, not the flag

    def test_the_school_sees_the_case_named_by_itself_never_by_the_flag(self, risk_flag, client, monitor_user,
                                                                        school_user, school_a):
        case = case_open(actor=monitor_user, subject_kind=SubjectKind.RISK_FLAG, subject_id=risk_flag.pk,
                         ground="risk_indicator", ground_details="Contingent grew sharply")
        client.force_login(school_user)
        for url in (reverse("oversight:case-detail", args=[case.pk]), reverse("oversight:case-list")):
            with translation.override("en"):
                page = client.get(url.replace("/kk/", "/en/", 1)).content.decode()
            assert f"School: {school_a.name}" in page and "Risk flag" not in page
        client.force_login(monitor_user)
        with translation.override("en"):
            page = client.get(reverse("oversight:case-detail", args=[case.pk])).content.decode()
        assert f"Risk flag #{risk_flag.pk}" in page  # the monitors see what the case is about
        from oversight.notifications import send_case_step

        school_user.email = "director@school-a.kz"
        school_user.save(update_fields=["email"])
        mail.outbox.clear()
        assert send_case_step(case_id=case.pk, step="opened") == 1
        body = mail.outbox[0].body  # one message, in Kazakh and Russian, to the school and the department
        assert "нысаны: Мектеп;" in body and "Тәуекел белгісі" not in body and "Признак риска" not in body

    def test_only_monitors_open_a_case_and_an_unknown_flag_is_a_clear_error(self, risk_flag, operator_user, monitor_user):
        with pytest.raises(PermissionDeniedError):
            case_open(actor=operator_user, subject_kind="risk_flag", subject_id=risk_flag.pk, ground="risk_indicator",
                      ground_details="x")
        with pytest.raises(DomainError) as error:
            case_open(actor=monitor_user, subject_kind="risk_flag", subject_id=risk_flag.pk + 1000, ground="risk_indicator",
                      ground_details="x")
        assert error.value.code == "no_subject"
        assert not MonitoringCase.objects.exists()

    def test_the_flag_page_offers_the_case_to_monitors_only_and_lists_the_cases(self, risk_flag, client, monitor_user,
                                                                                 operator_user, school_user):
        url = reverse("risk:flag-detail", args=[risk_flag.pk])
        client.force_login(operator_user)
        assert 'data-testid="open-case"' not in client.get(url).content.decode()
        client.force_login(monitor_user)
        page = client.get(url).content.decode()
        link = f"{reverse('oversight:case-open')}?subject_kind=risk_flag&amp;subject_id={risk_flag.pk}"
        assert 'data-testid="open-case"' in page and link in page
        form = client.get(link.replace("&amp;", "&")).content.decode()
        assert 'value="risk_indicator" selected' in form and f"#{risk_flag.pk}" in form
        response = client.post(reverse("oversight:case-open"), {"subject_kind": "risk_flag", "subject_id": risk_flag.pk,
                                                                 "ground": "risk_indicator", "ground_details": "R03"})
        case = MonitoringCase.objects.get()
        assert response["Location"] == reverse("oversight:case-detail", args=[case.pk])
        assert case.number in client.get(url).content.decode()
        # the case page links to the flag for the monitor; the school sees the case but never the flag
        assert 'data-testid="case-subject"' in client.get(response["Location"]).content.decode()
        client.force_login(school_user)
        assert 'data-testid="case-subject"' not in client.get(response["Location"]).content.decode()

    def test_the_api_opens_a_case_on_a_risk_flag(self, risk_flag, api_as, monitor_user):
        response = api_as(monitor_user).post("/api/v1/monitoring-cases/", {
            "subject_kind": "risk_flag", "subject_id": risk_flag.pk, "ground": "risk_indicator", "ground_details": "R03"},
            format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["subject_kind"], body["subject_id"], body["school"], body["region"]) == (
            "risk_flag", risk_flag.pk, risk_flag.school_id, risk_flag.school.region_id)


class ProcurementFlagCaseTests:
    def test_a_red_flag_without_a_school_makes_a_case_of_its_region(self, region_astana, monitor_user, department_user,
                                                                     other_department_user, school_user):
        flag = red_flag(region=region_astana)
        case = case_open(actor=monitor_user, subject_kind=SubjectKind.PROCUREMENT_FLAG, subject_id=flag.pk,
                         ground="risk_indicator", ground_details="PR06")
        assert (case.school_id, case.region_id) == (None, region_astana.pk)
        assert set(MonitoringCase.objects.visible_to(department_user)) == {case}
        assert not MonitoringCase.objects.visible_to(other_department_user).exists()
        assert not MonitoringCase.objects.visible_to(school_user).exists()
        with pytest.raises(DomainError) as error:
            case_ask(case=case, actor=monitor_user, addressee="school", text="?")
        assert error.value.code == "no_school"
        assert case_ask(case=case, actor=monitor_user, addressee="department", text="Why this supplier?").pk

    def test_the_department_hears_of_a_case_without_a_school(self, region_astana, monitor_user, monkeypatch,
                                                             django_capture_on_commit_callbacks):
        from celery import current_app

        monkeypatch.setattr(current_app.conf, "task_always_eager", True)
        department = make_user("dept_mail", role="department", region=region_astana)
        department.email = "dept@example.kz"
        department.save(update_fields=["email"])
        flag = red_flag(region=region_astana)
        with django_capture_on_commit_callbacks(execute=True):
            case_open(actor=monitor_user, subject_kind="procurement_flag", subject_id=flag.pk, ground="risk_indicator",
                      ground_details="PR06")
        assert [message.to for message in mail.outbox] == [["dept@example.kz"]]

    def test_a_red_flag_at_a_school_makes_a_case_of_that_school(self, region_astana, school_a, school_user, monitor_user):
        flag = red_flag(region=region_astana, school=school_a, code=FlagCode.PRICE_ABOVE_CONTRACT)
        case = case_open(actor=monitor_user, subject_kind="procurement_flag", subject_id=flag.pk, ground="risk_indicator",
                         ground_details="PR03")
        assert case.school_id == school_a.pk
        assert set(MonitoringCase.objects.visible_to(school_user)) == {case}

    def test_the_red_flag_page_offers_the_case_to_monitors_and_lists_it(self, region_astana, client, monitor_user,
                                                                         operator_user, api_as):
        flag = red_flag(region=region_astana)
        url = reverse("procurement:flag_detail", args=[flag.pk])
        client.force_login(operator_user)
        assert 'data-testid="open-case"' not in client.get(url).content.decode()
        client.force_login(monitor_user)
        assert f"subject_kind=procurement_flag&amp;subject_id={flag.pk}" in client.get(url).content.decode()
        response = api_as(monitor_user).post("/api/v1/monitoring-cases/", {
            "subject_kind": "procurement_flag", "subject_id": flag.pk, "ground": "risk_indicator", "ground_details": "PR06"},
            format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["school"] is None and response.json()["school_bin"] is None
        case = MonitoringCase.objects.get()
        assert case.number in client.get(url).content.decode()
        detail = client.get(reverse("oversight:case-detail", args=[case.pk])).content.decode()
        assert 'data-testid="case-subject"' in detail and region_astana.name in detail
