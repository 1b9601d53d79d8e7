"""Real browser: a monitor opens a monitoring case from a finding and asks the department; the department
answers it; the monitor checks the audit chain."""

import pytest

from oversight.models import MonitoringCase
from tests.browser.conftest import login
from tests.schools.factories import make_finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class MonitoringCaseBrowserTests:
    def test_a_monitor_opens_a_case_from_a_finding_and_the_department_answers_it(
            self, browser, live_server, screenshot, page, monitor_user, department_user, school_a):
        finding = make_finding(school_a, code="S04")
        login(page, live_server, monitor_user.username, lang="en")
        page.goto(f"{live_server.url}/en/checks/findings/{finding.pk}/")
        page.click("[data-testid=open-case-from-finding]")
        page.wait_for_url("**/en/oversight/cases/new/?finding=*")
        page.fill("#id_ground_details", "Contingent above capacity two months running")
        page.click("[data-testid=submit-open]")
        page.wait_for_url("**/en/oversight/cases/*/")
        case = MonitoringCase.objects.get()
        assert case.finding_id == finding.pk and case.school_id == school_a.pk
        page.select_option("[data-testid=ask-form] #id_addressee", "department")
        page.fill("[data-testid=ask-form] #id_text", "Did the department inspect the school this term?")
        page.click("[data-testid=ask-form] button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-testid=case-status]").get_attribute("data-status") == "dialogue"
        screenshot("monitor-asked")

        context = browser.new_context(locale="kk-KZ", viewport={"width": 1280, "height": 900})
        department = context.new_page()
        department.set_default_timeout(15000)
        login(department, live_server, department_user.username, lang="en")
        department.goto(f"{live_server.url}/en/oversight/cases/")
        department.click(f"text={case.number}")
        department.wait_for_url(f"**/en/oversight/cases/{case.pk}/")
        department.fill(f"#answer-{case.questions.get().pk}", "Yes: inspected on 12 November, report no. 45.")
        department.click("[data-testid=send-answer]")
        department.wait_for_load_state("networkidle")
        assert "report no. 45" in department.locator("[data-testid=answer]").inner_text()
        assert department.locator("[data-testid=internal-notes]").count() == 0
        context.close()

        page.goto(f"{live_server.url}/en/oversight/audit/")
        page.click("[data-testid=verify-chain]")
        page.wait_for_selector("[data-testid=verify-result]")
        assert page.locator("[data-testid=verify-result]").get_attribute("data-intact") == "true"
        screenshot("audit-verified")
