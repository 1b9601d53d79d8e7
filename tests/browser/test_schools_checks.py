import pytest

from tests.browser.conftest import login, open_nav
from tests.schools.factories import make_finding, make_licence, s02_details

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class SchoolDirectoryBrowserTests:
    def test_a_department_officer_opens_the_school_directory_in_kazakh_and_russian(self, page, live_server, screenshot,
                                                                                  department_user, school_a, school_b):
        make_licence(school_a, number="KZ-LIC-1")
        make_finding(school_a, code="S02", details=s02_details(school_a))
        login(page, live_server, department_user.username, lang="kk")
        open_nav(page, "/kk/schools/")
        page.wait_for_url("**/kk/schools/")
        assert page.locator("[data-testid=page-heading]").inner_text() == "Мектептер"
        table = page.locator("[data-testid=school-table]")
        assert school_a.bin in table.inner_text() and school_b.bin not in table.inner_text()
        screenshot("directory-kk")

        page.click("[data-testid=lang-ru]")
        page.wait_for_url("**/ru/schools/")
        assert page.locator("[data-testid=page-heading]").inner_text() == "Школы"
        page.select_option("#id_has_open_errors", "true")
        page.click("form[role=search] button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "has_open_errors=true" in page.url
        assert school_a.bin in page.locator("[data-testid=school-table]").inner_text()
        screenshot("directory-ru-filtered")

        page.click(f"text={school_a.name_ru}")
        page.wait_for_url(f"**/ru/schools/{school_a.pk}/")
        assert "KZ-LIC-1" in page.locator("[data-testid=licence-table]").inner_text()
        assert "86.10" in page.locator("[data-testid=school-finding]").inner_text()
        screenshot("school-page-ru")


class FindingExplanationBrowserTests:
    def test_a_school_opens_its_findings_and_explains_a_warning_in_russian_then_reads_it_in_kazakh(
            self, page, live_server, screenshot, school_user, school_a):
        warning = make_finding(school_a, code="S04", details={"pupils": 620, "capacity": 600})
        login(page, live_server, school_user.username, lang="ru")
        open_nav(page, "/ru/checks/findings/")
        page.wait_for_url("**/ru/checks/findings/")
        row = page.locator("[data-testid=finding-row][data-code=S04]")
        assert "620" in row.inner_text() and "600" in row.inner_text()
        screenshot("findings-ru")

        row.locator("a").first.click()
        page.wait_for_url(f"**/ru/checks/findings/{warning.pk}/")
        assert "проектную мощность" in page.locator("[data-testid=finding-summary]").inner_text()
        page.fill("#id_explanation", "С января открывается новый корпус на 200 мест.")
        page.click("[data-testid=explain-submit]")
        page.wait_for_selector("[data-testid=finding-status]:text('Дано пояснение')")
        assert "новый корпус" in page.locator("[data-testid=finding-reason]").inner_text()
        assert page.locator("[data-testid=explain-form]").count() == 0
        screenshot("explained-ru")

        page.click("[data-testid=lang-kk]")
        page.wait_for_url(f"**/kk/checks/findings/{warning.pk}/")
        assert page.locator("[data-testid=finding-status]").inner_text() == "Түсіндірілген"
        assert "сыйымдылығынан асады" in page.locator("[data-testid=finding-summary]").inner_text()
        screenshot("explained-kk")

    def test_an_empty_explanation_is_refused_in_english(self, page, live_server, screenshot, school_user, school_a):
        warning = make_finding(school_a, code="S04", details={"pupils": 620, "capacity": 600})
        login(page, live_server, school_user.username, lang="en")
        page.goto(f"{live_server.url}/en/checks/findings/{warning.pk}/")
        page.click("[data-testid=explain-submit]")
        page.wait_for_selector("[data-testid=action-error]")
        assert "Write the explanation." in page.locator("[data-testid=action-error]").inner_text()
        assert page.locator("[data-testid=finding-status]").inner_text() == "Open"
        screenshot("refused-en")
