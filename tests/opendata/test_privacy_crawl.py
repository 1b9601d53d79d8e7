"""The privacy crawl: every public page, every open API answer and every bulk file, searched for personal data.

It follows every link under /<lang>/open/ and /api/open/v1/ from the entry points, in the three
languages, and reads every bulk file of the publication. Nothing may contain a pupil's IIN, name or
birth date — nor any 12-digit run that is a valid IIN (a BIN of a school is not one).
"""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from contingent.models import Pupil
from core.identifiers import parse_iin
from opendata.files import directory_of

LINK = re.compile(r'(?:href|src)="([^"#]+)"|"(?:url|next|prev|[a-z-]+)":\s*"(http://testserver/[^"#]+)"')
TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


def _is_iin(text: str) -> bool:
    try:
        parse_iin(text)
    except Exception:  # noqa: BLE001 - not an IIN
        return False
    return True


def _crawl(client: Client, starts: list[str]) -> dict[str, str]:
    seen, queue, pages = set(), deque(starts), {}
    while queue and len(pages) < 400:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        if response.status_code != 200:
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        pages[url] = text
        for href, api in LINK.findall(text):
            target = urlsplit(urljoin(url, href or api))
            path = target.path + (f"?{target.query}" if target.query else "")
            if re.match(r"^/(kk|ru|en)/open/|^/api/open/v1/", target.path) and not target.path.endswith("/docs/"):
                queue.append(path)
    return pages


@pytest.mark.django_db
@pytest.mark.slow
class PrivacyCrawlTests:
    def test_no_page_answer_or_file_carries_personal_data(self, published, settings):
        schools_bins = set()
        from schools.models import School

        schools_bins = set(School.objects.values_list("bin", flat=True))
        pupils = list(Pupil.objects.all())
        assert len(pupils) == 9
        starts = [f"/{lang}/open/" for lang in ("kk", "ru", "en")] + [
            f"/{lang}/open/data/" for lang in ("kk", "ru", "en")] + [
            "/api/open/v1/", "/api/open/v1/ocds/releases/?page_size=3", "/api/open/v1/ocds/records/",
            "/api/open/v1/schema/?format=json"]
        pages = _crawl(Client(), starts)
        assert any("/open/schools/" in url for url in pages) and any("/api/open/v1/files/" in url for url in pages)
        for path in directory_of(published["publication"].pk).iterdir():  # every bulk file, XLSX unpacked
            pages[f"file:{path.name}"] = _file_text(path)
        assert len(pages) > 40
        for where, text in pages.items():
            for pupil in pupils:
                assert pupil.iin not in text, where
                assert pupil.last_name not in text and pupil.first_name not in text, where
                assert pupil.birth_date.isoformat() not in text, where
                assert pupil.birth_date.strftime("%d.%m.%Y") not in text, where
            iins = [run for run in TWELVE_DIGITS.findall(text) if run not in schools_bins and _is_iin(run)]
            assert iins == [], where


def _file_text(path) -> str:
    if path.suffix != ".xlsx":
        return path.read_text(encoding="utf-8-sig")
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    return "\n".join(",".join("" if cell is None else str(cell) for cell in row)
                     for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True))
