"""Real-browser tests: Debian's Chromium driven by Playwright.

Without /usr/bin/chromium these tests are skipped, saying so; with
EQAZYNA_REQUIRE_BROWSER=1 (what .ci/run sets) a missing browser is a failure.
Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("EQAZYNA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or bool(shutil.which(CHROMIUM))


def pytest_collection_modifyitems(config, items):
    if chromium_available() or os.environ.get("EQAZYNA_REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not chromium_available():
        pytest.fail(f"EQAZYNA_REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django must allow ORM calls here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="kk-KZ", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png".replace("/", "_")
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def login(page, live_server, username: str, password: str = "pass-12345", lang: str = "kk"):
    page.goto(f"{live_server.url}/{lang}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].w-100")
    page.wait_for_load_state("networkidle")


def open_nav(page, href: str) -> None:
    """Follow a navigation entry as a user would: open its menu first when it sits in a dropdown."""
    toggle = page.locator(f"nav li.dropdown:has(a[href='{href}']) > a.dropdown-toggle")
    if toggle.count():
        toggle.first.click()
    page.click(f"nav a[href='{href}']")


def inspect_sample(page, notes: dict[int, str] | None = None) -> int:
    """On an act's page (English), draw the inspection sample and record each sampled line: "present", or
    "other" with the note given for its position in ``notes``. Each recording swaps the panel (HTMX)."""
    page.click("[data-testid=inspection-draw]")
    page.wait_for_selector("[data-testid=inspect-form]")
    count = page.locator("[data-testid=inspect-form]").count()
    for index in range(count):
        form = page.locator("[data-testid=inspect-form]").nth(index)
        note = (notes or {}).get(index)
        form.locator("[data-testid=inspect-result]").select_option("other" if note else "present")
        if note:
            form.locator("input[name=note]").fill(note)
        form.locator("[data-testid=inspect-save]").click()
        page.wait_for_selector(f"[data-testid=inspection-summary]:has-text('{index + 1} of {count}')")
    return count
