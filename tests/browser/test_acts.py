"""Real browser: acceptance after inspection. The department draws the inspection sample of a submitted act,
cannot accept before every sampled line is inspected, records what it found, and accepts; the act shows who
inspected what and when, and the monitoring case in progress on it."""

import pytest
from django.utils import translation

from acts.models import Act, InspectionItem
from acts.services import act_build, act_submit
from oversight.services import case_open
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_contract, make_enrolment, make_finding
from tests.browser.conftest import inspect_sample, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class InspectionBrowserTests:
    def test_a_department_inspects_a_sample_and_accepts(self, page, live_server, screenshot, settings, school_a,
                                                        school_user, department_user, monitor_user):
        settings.ACT_INSPECTION_SAMPLE_SIZE = 2
        contract = make_contract(school=school_a)
        enrolments = [make_enrolment(school=school_a, grade=g) for g in (1, 2, 3, 6, 8)]
        make_finding(school=school_a, code="P06", enrolment=enrolments[3])  # an open warning: always sampled
        act = act_submit(act=act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY),
                         actor=school_user, today=TODAY)
        case = case_open(actor=monitor_user, subject_kind="act", subject_id=act.pk, ground="citizen_complaint",
                         ground_details="A parent says the pupils of grade 8 study elsewhere")

        login(page, live_server, department_user.username, lang="en")
        page.goto(f"{live_server.url}/en/acts/{act.pk}/")
        page.wait_for_selector("[data-testid=act-case]")
        assert case.number in page.locator("[data-testid=act-cases]").inner_text()
        page.check("[data-testid=decide-form] input[value=accepted]")
        page.select_option("#id_selection", "pending_payable")
        page.click("[data-testid=decide-apply]")
        page.click("[data-testid=act-accept]")
        assert "Draw the inspection sample" in page.locator(".alert-danger").first.inner_text()
        assert page.locator("[data-testid=act-status]").inner_text() == "Submitted"

        sampled = inspect_sample(page, notes={0: "Pupil at a sports camp, order no. 12"})
        assert sampled == 3  # the line with the open warning and two drawn at random
        screenshot("department-inspected")
        page.click("[data-testid=act-accept]")
        assert page.locator("[data-testid=act-status]").inner_text() == "Accepted"
        rows = page.locator("[data-testid=inspection-lines] tbody tr")
        with translation.override("en"):  # named (here by role: no name recorded), never by login
            named = department_user.display_name
        assert rows.count() == 3 and named in rows.first.inner_text()
        assert "sports camp" in page.locator("[data-testid=inspection-lines]").inner_text()
        assert Act.objects.get().status == "accepted"
        assert set(InspectionItem.objects.values_list("inspected_by", flat=True)) == {department_user.pk}
        screenshot("department-accepted")
