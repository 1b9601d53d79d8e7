"""An anonymous visitor, in each language, drills down the open data from the country to a school
and downloads a file, in a real browser. Screenshots go to test-artifacts/screenshots/."""

import pytest

from tests.opendata.conftest import _open_data_files, portal_data, published, school_c  # noqa: F401 - the published portal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class OpenDataBrowserTests:
    @pytest.mark.parametrize("language", ["kk", "ru", "en"])
    def test_a_visitor_drills_down_to_a_school_and_downloads_a_file(self, page, live_server, screenshot, published,  # noqa: F811
                                                                    school_a, language):
        page.goto(f"{live_server.url}/{language}/")
        page.click("[data-testid=open-data-link]")
        page.wait_for_url(f"**/{language}/open/")
        assert page.locator("[data-testid=open-country-pupils]").inner_text() == "15"
        page.click(f"[data-testid=open-table-regions] a[href='/{language}/open/regions/{school_a.region_id}/']")
        page.wait_for_url(f"**/open/regions/{school_a.region_id}/")
        page.click(f"[data-testid=open-school-link][href='/{language}/open/schools/{school_a.bin}/']")
        page.wait_for_url(f"**/open/schools/{school_a.bin}/")
        assert page.locator("[data-testid=open-school-bin]").inner_text() == school_a.bin
        assert page.locator("[data-testid=open-school-pupils]").inner_text() == "7"
        screenshot(f"school-{language}")
        page.click("[data-testid=open-publication] a")
        page.wait_for_url(f"**/{language}/open/data/")
        with page.expect_download() as download_info:
            page.click("[data-testid=open-file-link][href$='/contracts.csv']")
        path = download_info.value.path()
        assert published["contracts"][0].number in open(path, encoding="utf-8-sig").read()
