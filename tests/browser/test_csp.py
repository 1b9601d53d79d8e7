"""In Chromium, the main pages of every role raise no Content-Security-Policy violation (issue 11, defect 6)."""

import io

import pytest
from django.core.management import call_command

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MAIN_PAGES = {
    "school": ["/kk/", "/kk/contingent/", "/kk/contingent/upload/", "/kk/acts/", "/kk/checks/findings/", "/kk/accounts/me/"],
    "operator": ["/kk/", "/kk/schools/", "/kk/checks/runs/", "/kk/payments/bank/", "/kk/payments/payments/", "/kk/acts/"],
    "department": ["/kk/", "/kk/orders/", "/kk/orders/contracts/", "/kk/acts/overdue/"],
    "monitor": ["/kk/", "/kk/contingent/", "/kk/checks/findings/"],
}


class CspBrowserTests:
    def test_main_pages_raise_no_csp_violation_and_their_scripts_work(self, browser, live_server):
        call_command("seed_demo", stdout=io.StringIO())
        violations = []
        for role, paths in {None: ["/kk/accounts/login/", "/api/docs/"], **MAIN_PAGES}.items():
            context = browser.new_context(locale="kk-KZ")
            page = context.new_page()
            page.on("console", lambda message, page=page: violations.append(f"{page.url}: {message.text}")
                    if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
            if role:
                login(page, live_server, role, password="demo-2025")
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("networkidle")
                if path.startswith("/kk/"):
                    assert page.evaluate("typeof window.htmx") == "object" and page.evaluate("typeof window.bootstrap") == "object"
            if role == "school":  # an HTMX fragment loaded on demand, and a Bootstrap dropdown
                page.goto(f"{live_server.url}/kk/")
                page.click("[data-testid=current-user]")
                assert page.locator("[data-testid=my-account]").is_visible()
            context.close()
        assert not violations, "\n".join(violations)
