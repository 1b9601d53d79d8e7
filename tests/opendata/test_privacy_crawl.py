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
from tests.opendata.conftest import AS_OF

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
        assert len(pupils) == 15
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


def _cell(value) -> tuple[bool, object]:
    """(withheld, value) of a published figure."""
    return (value in ("<5", "x"), value)


def _equations_of(files: dict[str, list[dict]]) -> tuple[list, set, set]:
    """Every published sum of the figures over pupils, the withheld cells, and the cells marked ``x``.

    The attacker knows the structure of each table (a school is the sum of its levels, a region of its
    schools or contracts, the country of its regions), that a paid act's accepted money is its paid
    money, and that a payment without offsets transfers the paid money of its contract and month.
    """
    equations, withheld, secondary = [], set(), set()

    def note(key, value):
        if value in ("<5", "x"):
            withheld.add(key)
        if value == "x":
            secondary.add(key)

    tree: dict = {}
    for row in files["contingent"]:
        key = ("contingent", row["grain"], row["region"], row["school_bin"], row["level"])
        note(key, row["pupils"])
        if row["grain"] == "school" and row["level"]:
            tree.setdefault(("contingent", "school", row["region"], row["school_bin"], ""), []).append(key)
        elif row["grain"] == "school":
            tree.setdefault(("contingent", "region", row["region"], None, ""), []).append(key)
        elif row["grain"] == "region":
            tree.setdefault(("contingent", "country", None, None, ""), []).append(key)
    for row in files["findings"]:
        key = ("findings", row["grain"], row["region"], row["school_bin"], row["code"])
        note(key, row["count"])
        parent = {"school": ("findings", "region", row["region"], None, row["code"]),
                  "region": ("findings", "country", None, None, row["code"])}.get(row["grain"])
        if parent:
            tree.setdefault(parent, []).append(key)
    for row in files["monthly"]:
        for name in ("accepted", "paid", "recovered"):
            key = ("monthly", name, row["grain"], row["region"], row["contract_number"], row["month"])
            note(key, row[name])
            parent = {"contract": ("monthly", name, "region", row["region"], None, row["month"]),
                      "region": ("monthly", name, "country", None, None, row["month"])}.get(row["grain"])
            if parent:
                tree.setdefault(parent, []).append(key)
        if row["grain"] == "contract":
            paid = ("monthly", "paid", "contract", row["region"], row["contract_number"], row["month"])
            equations.append((("monthly", "accepted", "contract", row["region"], row["contract_number"], row["month"]),
                              [paid]))
    for row in files["payments"]:
        key = ("payment", row["reference"])
        note(key, row["amount"])
        equations.append((key, [("monthly", "paid", "contract", row["region"], row["contract_number"], row["month"])]))
    equations += list(tree.items())
    return equations, withheld, secondary


@pytest.fixture
def planted(portal_data, region_astana):
    """The portal's data, school D in Astana (6 pupils in grade 1, one in grade 7) and school E alone in a third
    region with 3 pupils (no contracts): the country less the other regions would tell E's region."""
    from core.models import Region
    from opendata.services import publication_refresh
    from tests.acts.factories import make_enrolment
    from tests.factories import make_school

    school_d = make_school(region=region_astana, name="Мектеп Г")
    for grade in (1, 1, 1, 1, 1, 1, 7):
        make_enrolment(school=school_d, grade=grade)
    third = Region.objects.exclude(code__in=[region_astana.code, "75"]).order_by("code").first()
    school_e = make_school(region=third, name="Мектеп Д")
    for grade in (2, 5, 9):
        make_enrolment(school=school_e, grade=grade)
    return publication_refresh(trigger="command", as_of=AS_OF)


@pytest.mark.django_db
class SubtractionAttackTests:
    def test_no_withheld_figure_is_worked_out_from_the_published_figures(self, planted, client, school_a):
        import json

        from tests.opendata.recovery import recoverable

        directory = directory_of(planted.pk)
        files = {name: json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
                 for name in ("contingent", "findings", "monthly", "payments")}
        equations, withheld, secondary = _equations_of(files)
        assert withheld and secondary  # small cells, and cells withheld to protect them
        assert recoverable(equations, withheld) == set()
        # The pages and the open API say what the files say.
        api = client.get("/api/open/v1/contingent/", {"page_size": 1000}).json()["results"]
        assert sorted(map(str, (row["pupils"] for row in api))) == sorted(map(str, (row["pupils"] for row in files["contingent"])))
        # School A: 5 pupils in primary and 2 in basic — the 5 are withheld too, on its page as in the API. And its
        # 7: E's region (3) is withheld, so the country less Almaty would tell it unless Astana (14) is withheld,
        # and then Astana less D would tell A.
        detail = client.get(f"/api/open/v1/schools/{school_a.bin}/").json()
        assert {row["level"]: row["pupils"] for row in detail["contingent"]} == {"": "x", "primary": "x", "basic": "<5"}
        page = re.sub(r"\s+", "", client.get(f"/ru/open/schools/{school_a.bin}/").content.decode())
        assert ">x<" in page and "><5<" in page.replace("&lt;", "<")

    def test_the_attack_finds_a_figure_withheld_alone(self, planted):
        """The attacker is not blind: unmark the cells withheld to protect others and it finds the small ones."""
        import json

        from tests.opendata.recovery import recoverable

        directory = directory_of(planted.pk)
        files = {name: json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
                 for name in ("contingent", "findings", "monthly", "payments")}
        equations, withheld, secondary = _equations_of(files)
        assert recoverable(equations, withheld - secondary)
