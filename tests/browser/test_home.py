"""Each role's home in a real browser: the counts equal the API lists' counts for the same filters,
the charts are drawn by Chart.js, the unread badge arrives by HTMX. Screenshots of every home are kept
in test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from django.db.models import Q

from tests.browser.conftest import login
from tests.portal.factories import plant_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planted(school_a, school_b, region_astana, operator_user, second_operator_user):
    return plant_work(school_a=school_a, school_b=school_b, region_astana=region_astana, operator=operator_user,
                      second_operator=second_operator_user)


def home_counts(page) -> dict[str, tuple[int, str]]:
    items = page.locator("[data-testid=work-item]")
    result = {}
    for index in range(items.count()):
        item = items.nth(index)
        count = int(item.locator("[data-testid=work-count]").inner_text())
        result[item.get_attribute("data-key")] = (count, item.get_attribute("data-api-url"))
    return result


class HomeBrowserTests:
    @pytest.mark.parametrize("role", ["department", "school", "operator", "monitor"])
    def test_each_roles_home_counts_equal_the_api_counts_in_every_language(self, page, live_server, screenshot, planted,
                                                                           request, role):
        from notifications.choices import NotificationKind
        from notifications.services import notify

        fixture = {"department": "department_user", "school": "school_user", "operator": "second_operator_user",
                   "monitor": "monitor_user"}[role]
        user = request.getfixturevalue(fixture)
        notify(kind=NotificationKind.ACT_RETURNED, key="browser:1", users=Q(pk=user.pk), params={"act": "A-1"})
        login(page, live_server, user.username)
        seen = {}
        for language in ("kk", "ru", "en"):
            page.goto(f"{live_server.url}/{language}/")
            page.wait_for_load_state("networkidle")
            counts = home_counts(page)
            assert counts, "the home page shows what needs the user's action"
            for key, (count, api_url) in counts.items():
                if api_url:
                    answer = page.request.get(f"{live_server.url}{api_url}")
                    assert answer.status == 200, (key, answer.text())
                    assert answer.json()["count"] == count, (language, key)
            seen[language] = {key: count for key, (count, _url) in counts.items()}
            assert page.evaluate("typeof Chart") == "function"
            assert page.evaluate("Chart.getChart('money-chart') !== undefined")
            # The axes and tooltips group digits as the page's language does (issue 12: not "40,000,000" in kk/ru).
            separator = "," if language == "en" else "\xa0"
            assert page.evaluate("eqazynaFormatNumber(40000000.5)") == (
                "40,000,000.5" if language == "en" else "40\xa0000\xa0000,5")
            ticks = page.evaluate("Chart.getChart('money-chart').scales.y.ticks.map(t => t.label)")
            grouped = [tick for tick in ticks if len(tick) > 4]
            assert grouped and all(separator in tick for tick in grouped), (language, ticks)
            tooltip = page.evaluate("""Chart.defaults.plugins.tooltip.callbacks.label(
                {chart: Chart.getChart('money-chart'), parsed: {y: 1234567}, dataset: {label: 'x'}})""")
            assert tooltip == f"x: 1{separator}234{separator}567"
            assert page.locator("[data-testid=unread-count]").get_attribute("data-count") == "1"
            screenshot(language)
        assert seen["kk"] == seen["ru"] == seen["en"]
        assert any(seen["kk"].values())

    def test_a_count_leads_to_its_filtered_list(self, page, live_server, planted, department_user):
        login(page, live_server, department_user.username, lang="en")
        page.click("[data-key=acts_to_review] a")
        page.wait_for_load_state("networkidle")
        assert "status=submitted" in page.url
        assert page.locator("table tbody tr").count() >= 2
