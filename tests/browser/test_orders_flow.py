"""A department officer and two schools take an order from draft to two signed contracts in a real
browser, as new users would: through the navigation, the forms and the buttons; the public queue
shows it to an anonymous visitor. Screenshots go to test-artifacts/screenshots/."""

import datetime as dt

import pytest
from django.utils import timezone

from orders.models import Contract, StateOrder
from tests.browser.conftest import login, open_nav
from tests.factories import make_school, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.context.clear_cookies()


@pytest.fixture
def people(region_astana):
    return {
        "department": make_user("officer", role="department", region=region_astana),
        "bolashak": make_user("bolashak", role="school", school=make_school(region=region_astana, name="«Болашақ» мектебі")),
        "zerde": make_user("zerde", role="school", school=make_school(region=region_astana, name="«Зерде» гимназиясы")),
    }


class OrderToContractsBrowserTests:
    def test_an_order_goes_from_draft_to_two_signed_contracts_and_the_public_queue_shows_it(
            self, page, live_server, screenshot, people):
        base = live_server.url
        now = timezone.localtime()
        year = now.year if now.month >= 9 else now.year - 1

        # 1. The officer drafts the order from the navigation and publishes it.
        login(page, live_server, "officer")
        open_nav(page, "/kk/orders/")
        page.click("[data-testid=order-create]")
        page.fill("#id_school_year", str(year))
        page.fill("#id_programme_code", "261-015-000")
        page.fill("#id_title", "Браузер сынағы")
        page.fill("#id_budget", "100000000")
        page.fill("#id_sen_coefficient", "1.5")
        page.fill("#id_applications_open_at", (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_applications_close_at", (now + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_service_start", f"{year}-09-01")
        page.fill("#id_service_end", f"{year + 1}-05-31")
        page.fill("#id_places_primary", "30")
        page.fill("#id_norm_primary", "60000")
        page.fill("#id_places_basic", "20")
        page.fill("#id_norm_basic", "70000")
        screenshot("1-order-form")
        page.click("[data-testid=order-save]")
        page.wait_for_selector("[data-testid=order-publish]")
        assert page.locator("[data-status=draft]").count() >= 1
        page.click("[data-testid=order-publish]")  # a dialog says what publishing does, with the places and money
        page.wait_for_selector("[data-testid=order-publish-dialog] .modal-body >> text=50")
        with page.expect_navigation():
            page.click("[data-testid=order-publish-confirm]")
        page.wait_for_selector("[data-testid=order-close]")
        screenshot("2-order-published")
        order = StateOrder.objects.get()
        assert order.status == "published"

        # 2. Each school finds the order, applies; the queue orders them by submission time.
        for username, places in (("bolashak", {"primary": "12", "basic": "6"}), ("zerde", {"primary": "25", "basic": "5"})):
            sign_out(page)
            login(page, live_server, username)
            open_nav(page, "/kk/orders/")
            page.click(f"a[href='/kk/orders/{order.pk}/']")
            page.click("[data-testid=order-apply]")
            for level, value in places.items():
                page.fill(f"#id_places_{level}", value)
            page.click("[data-testid=application-submit]")
            page.wait_for_selector("[data-testid=application-withdraw]")
            screenshot(f"3-applied-{username}")

        # 3. Anyone sees the public queue from the public home page, without signing in.
        sign_out(page)
        page.goto(f"{base}/kk/")
        page.click("[data-testid=public-queue-link]")
        page.click(f"a[href='/kk/orders/queue/{order.pk}/']")
        schools = page.locator("[data-testid=queue-school]").all_inner_texts()
        assert schools == ["«Болашақ» мектебі", "«Зерде» гимназиясы"]
        screenshot("4-public-queue")

        # 4. The officer approves both: the second with fewer primary places than asked (only 18 remain).
        login(page, live_server, "officer")
        open_nav(page, "/kk/orders/applications/")
        links = page.locator("[data-testid=application-link]")
        first_href, second_href = links.nth(0).get_attribute("href"), links.nth(1).get_attribute("href")
        page.goto(base + first_href)
        page.click("[data-testid=application-approve]")
        with page.expect_navigation():
            page.click("[data-testid=application-approve-confirm]")
        page.wait_for_selector("[data-testid=contract-link]")
        page.goto(base + second_href)
        assert page.input_value("#id_places_primary") == "18"  # prefilled with what remains
        page.click("[data-testid=application-approve]")
        screenshot("5-approve-fewer")
        with page.expect_navigation():
            page.click("[data-testid=application-approve-confirm]")
        page.wait_for_selector("[data-testid=contract-link]")
        assert Contract.objects.count() == 2

        # 5. Each school reads its contract and signs it; then the officer signs both.
        for username in ("bolashak", "zerde"):
            sign_out(page)
            login(page, live_server, username)
            open_nav(page, "/kk/orders/contracts/")
            page.click("[data-testid=contract-link]")
            assert page.locator("[data-testid=contract-document]").is_visible()
            page.check("#id_confirm")
            page.click("[data-testid=contract-sign]")
            page.wait_for_selector("[data-status=signed_by_school]")
            screenshot(f"6-signed-by-{username}")
        sign_out(page)
        login(page, live_server, "officer")
        for contract in Contract.objects.order_by("number"):
            open_nav(page, "/kk/orders/contracts/")
            page.click(f"text={contract.number}")
            page.check("#id_confirm")
            page.click("[data-testid=contract-sign]")
            page.wait_for_selector("h1 [data-status=active]")
        screenshot("7-active-contract")

        contracts = list(Contract.objects.order_by("number"))
        assert [c.status for c in contracts] == ["active", "active"]
        assert [sorted(c.levels.values_list("level", "places")) for c in contracts] == [
            [("basic", 6), ("primary", 12)], [("basic", 5), ("primary", 18)]]
        assert all(c.signatures.count() == 2 and {s.sha256 for s in c.signatures.all()} == {c.document.sha256}
                   for c in contracts)

        # 6. The public queue shows the decisions.
        sign_out(page)
        page.goto(f"{base}/ru/orders/queue/{order.pk}/")
        assert page.locator("[data-testid=queue-row] [data-status=approved]").count() == 2
        screenshot("8-public-queue-decided")
