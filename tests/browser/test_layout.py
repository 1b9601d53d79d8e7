"""Issue 12 items 6 and the accessibility check, in a real browser on the demo data.

* Layout: at 1280 px the navigation bar holds on one line for every role in Kazakh, Russian and
  English, the signed-in person's menu is inside the window and no page scrolls sideways; below
  1200 px the bar collapses behind its toggler.
* axe-core (the npm package, installed by ``make setup``; never copied into the repository) finds no
  serious or critical violation on each role's home, a list and a detail page.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from demo.users import DEMO_PASSWORD
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROLES = ["department", "school", "operator", "monitor", "admin"]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
LAYOUT = """() => {
  const bar = document.querySelector('nav.navbar').getBoundingClientRect();
  const person = document.querySelector('[data-testid=current-user]').getBoundingClientRect();
  return {page: document.documentElement.scrollWidth, window: document.documentElement.clientWidth,
          bar: bar.height, personRight: person.right,
          toggler: getComputedStyle(document.querySelector('.navbar-toggler')).display};
}"""


def _pages(role: str) -> list[str]:
    """Home, a list and a detail page (or two) of ``role`` on the demo data (language-free paths)."""
    from accounts.models import User
    from acts.models import Act
    from orders.models import Application, Contract
    from payments.models import Payment

    act, contract = Act.objects.order_by("pk").first(), Contract.objects.order_by("pk").first()
    school = User.objects.get(username="school").school_id
    school_contract = Contract.objects.filter(school_id=school).order_by("pk").first()
    pages = {
        "department": ["", "orders/applications/", f"orders/applications/{Application.objects.order_by('pk').first().pk}/",
                       "acts/?sort=month", f"acts/{act.pk}/", f"schools/{contract.school_id}/", "schools/?sort=-capacity",
                       "orders/contracts/?sort=-total"],
        "school": ["", "acts/", f"acts/{Act.objects.filter(contract__school_id=school).order_by('pk').first().pk}/",
                   "contingent/", f"orders/contracts/{school_contract.pk}/"],
        "operator": ["", "payments/payments/", "payments/bank/?sort=total", f"payments/payments/{Payment.objects.order_by('pk').first().pk}/",
                     "checks/findings/"],
        "monitor": ["", "oversight/audit/?sort=seq", f"orders/contracts/{contract.pk}/", "oversight/cases/?sort=status"],
        "admin": ["", "schools/", f"schools/{contract.school_id}/"],
    }
    return pages[role]


class LayoutBrowserTests:
    def test_every_role_in_every_language_fits_1280_px_and_collapses_below(self, browser, live_server):
        call_command("seed_demo", stdout=io.StringIO())
        problems = []
        for role in ROLES:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(20000)
            login(page, live_server, role, password=DEMO_PASSWORD)
            for language in ("kk", "ru", "en"):
                for path in _pages(role):
                    page.goto(f"{live_server.url}/{language}/{path}")
                    page.wait_for_load_state("networkidle")
                    box = page.evaluate(LAYOUT)
                    where = f"{role} /{language}/{path}"
                    if box["page"] > box["window"]:
                        problems.append(f"{where}: the page is {box['page']} px wide in a {box['window']} px window")
                    if box["bar"] > 70:
                        problems.append(f"{where}: the navigation bar takes {box['bar']} px (more than one line)")
                    if box["personRight"] > box["window"] or box["toggler"] != "none":
                        problems.append(f"{where}: the person's menu is outside the window or the bar is collapsed")
            page.set_viewport_size({"width": 1100, "height": 900})
            page.goto(f"{live_server.url}/kk/")
            assert page.evaluate(LAYOUT)["toggler"] != "none", f"{role}: the bar does not collapse at 1100 px"
            page.click(".navbar-toggler")
            page.wait_for_selector("[data-testid=current-user]", state="visible")
            context.close()
        assert problems == [], "\n".join(problems)

    def test_axe_core_finds_no_serious_or_critical_violation_on_each_roles_pages(self, browser, live_server):
        assert AXE.exists(), "axe-core is missing from node_modules: run make setup (npm ci)"
        call_command("seed_demo", stdout=io.StringIO())
        found = []
        for role in ROLES:
            # The portal's Content-Security-Policy forbids injected scripts; the test's own axe-core is let in.
            context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            page = context.new_page()
            page.set_default_timeout(20000)
            login(page, live_server, role, password=DEMO_PASSWORD)
            for path in _pages(role):
                page.goto(f"{live_server.url}/kk/{path}")
                page.wait_for_load_state("networkidle")
                page.add_script_tag(path=str(AXE))
                violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
                    .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ' ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))""")
                found += [f"{role} /kk/{path}: {violation}" for violation in violations]
            context.close()
        assert found == []
