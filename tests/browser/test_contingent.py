"""A school uploads its contingent, checks the preview and saves it; an operator watches a run."""

import pytest

from checks.choices import CheckRunStatus
from checks.models import CheckRun
from contingent.models import Enrolment
from tests.browser.conftest import login
from tests.contingent.factories import birth_for_grade, iin_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLUMNS = "iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category"


class ContingentBrowserTests:
    def test_a_school_uploads_previews_and_saves_its_contingent(self, page, live_server, screenshot, school_user, tmp_path):
        lines = [COLUMNS]
        for grade in (1, 2, 3):
            birth = birth_for_grade(grade)
            lines.append(f"{iin_for(birth)},Омарова,Айару,,{birth},{grade},2025-09-01,,regular")
        path = tmp_path / "contingent.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        login(page, live_server, school_user.username, lang="en")
        page.goto(f"{live_server.url}/en/contingent/upload/")
        page.set_input_files("input[type=file]", str(path))
        page.click("[data-testid=upload-form] button[type=submit]")
        page.wait_for_selector("[data-testid=upload-summary]")
        assert "new enrolments: 3" in page.locator("[data-testid=upload-summary]").inner_text()
        assert Enrolment.objects.count() == 0
        screenshot("preview")
        page.click("text=Save the contingent")
        page.wait_for_selector("[data-testid=contingent-table]")
        assert page.locator("[data-testid=contingent-table] tbody tr").count() == 3
        assert Enrolment.objects.filter(school=school_user.school).count() == 3
        page.select_option("#id_grade", "2")
        page.click("[data-testid=contingent-filters] button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-testid=contingent-table] tbody tr").count() == 1
        screenshot("list")

    def test_an_operator_watches_a_runs_progress_until_it_ends(self, page, live_server, screenshot, operator_user):
        run = CheckRun.objects.create(check_date="2025-11-20", trigger="manual", status=CheckRunStatus.RUNNING,
                                      progress={"done": 4, "total": 9, "current": "P05", "rules": {}})
        login(page, live_server, operator_user.username, lang="en")
        page.goto(f"{live_server.url}/en/checks/runs/{run.pk}/")
        assert "P05" in page.locator("[data-testid=run-progress]").inner_text()
        CheckRun.objects.filter(pk=run.pk).update(status=CheckRunStatus.SUCCEEDED, progress={"done": 9, "total": 9},
                                                  counts={"P02": 0})
        page.wait_for_selector("[data-testid=run-progress] >> text=Finished.", timeout=15000)
        screenshot("finished")
