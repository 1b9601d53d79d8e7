"""Risk pages and API: schools see nothing, departments their region, operators and monitors everything."""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from risk.engine import risk_run_now
from risk.models import RiskFlag, RiskScore
from tests.contingent.factories import load_snapshot
from tests.factories import make_school, make_user
from tests.risk.factories import D, Y, enrol_many, new_iin, nobd, plant_every_code


@pytest.fixture
def flagged(tmp_path, school_a, school_b):
    """Flags of every code but R04 at school A (Astana); an R03 flag at school B (Almaty)."""
    previous, snapshot, iins = plant_every_code(tmp_path, home=school_a)
    enrol_many(school=school_b, count=30, enrolled_on=D.replace(day=10))
    run = risk_run_now(snapshot=snapshot)
    return {"run": run, "iins": iins, "a": school_a, "b": school_b}


def pages(flag: RiskFlag, school) -> list[str]:
    return [reverse("risk:overview"), reverse("risk:flag-list"), reverse("risk:flag-detail", args=[flag.pk]),
            reverse("risk:flag-replay", args=[flag.pk]), reverse("risk:school", args=[school.pk]),
            reverse("risk:run-list"), reverse("risk:flag-list") + "?export=csv"]


@pytest.mark.django_db
class SchoolsSeeNothingTests:
    def test_a_school_gets_403_on_every_risk_page_and_endpoint_even_about_itself(self, flagged, client, api_as, school_user):
        client.force_login(school_user)
        own = RiskFlag.objects.filter(school=flagged["a"]).first()
        for url in pages(own, flagged["a"]):
            assert client.get(url).status_code == 403, url
        api = api_as(school_user)
        for url in ("/api/v1/risk-flags/", f"/api/v1/risk-flags/{own.pk}/", f"/api/v1/risk-flags/{own.pk}/replay/",
                    "/api/v1/risk-scores/", "/api/v1/risk-runs/"):
            assert api.get(url).status_code == 403, url

    def test_a_school_sees_no_risk_link_and_its_dossier_says_nothing_of_flags(self, flagged, client, school_user):
        client.force_login(school_user)
        home = client.get(reverse("portal:home")).content.decode()
        dossier = client.get(reverse("portal:my_school")).content.decode()
        for page in (home, dossier):
            assert "/risk/" not in page
        assert RiskFlag.objects.visible_to(school_user).count() == 0 and RiskScore.objects.visible_to(school_user).count() == 0


@pytest.mark.django_db
class DepartmentSeesItsRegionTests:
    def test_flags_scores_and_pages_are_those_of_its_region(self, flagged, client, api_as, department_user):
        client.force_login(department_user)
        elsewhere = RiskFlag.objects.get(school=flagged["b"])
        mine = RiskFlag.objects.filter(school=flagged["a"])
        assert client.get(reverse("risk:flag-detail", args=[elsewhere.pk])).status_code == 404
        assert client.get(reverse("risk:school", args=[flagged["b"].pk])).status_code == 404
        assert client.get(reverse("risk:run-list")).status_code == 403
        overview = client.get(reverse("risk:overview"))
        assert [row["region"].code for row in overview.context["regions"]] == ["71"]
        shown = {tile["region"].code for tile in overview.context["tiles"] if tile["row"]}
        assert shown == {"71"} and b'data-region="75"' in overview.content and b"?region=75" not in overview.content
        assert {score.school_id for score in overview.context["top"]} == {flagged["a"].pk}
        listed = api_as(department_user).get("/api/v1/risk-flags/").json()
        assert {item["id"] for item in listed["results"]} == set(mine.values_list("pk", flat=True))
        scores = api_as(department_user).get("/api/v1/risk-scores/").json()["results"]
        assert {item["region"] for item in scores} == {"71"}
        assert api_as(department_user).get("/api/v1/risk-runs/").status_code == 403

    def test_an_r01_pupil_who_passed_through_two_regions_is_seen_by_both(self, tmp_path, school_a, school_b, department_user,
                                                                       other_department_user):
        hopper = new_iin()
        rows = [nobd(hopper, school_a.bin, enrolled_on=Y, left_on=Y.replace(day=5)),
                nobd(hopper, school_b.bin, enrolled_on=Y.replace(day=6), left_on=Y.replace(day=10)),
                nobd(hopper, school_a.bin, enrolled_on=Y.replace(day=11), left_on=Y.replace(day=15)),
                nobd(hopper, school_b.bin, enrolled_on=Y.replace(day=16))]
        risk_run_now(snapshot=load_snapshot(tmp_path, rows, taken_on=D))
        flag = RiskFlag.objects.get(code="R01")
        assert flag.school_id == school_b.pk
        for user in (department_user, other_department_user):
            assert list(RiskFlag.objects.visible_to(user)) == [flag]


@pytest.mark.django_db
class OperatorsAndMonitorsTests:
    def test_the_overview_shows_regions_top_schools_and_the_trend(self, flagged, client, monitor_user):
        client.force_login(monitor_user)
        response = client.get(reverse("risk:overview"))
        assert response.status_code == 200
        regions = {row["region"].code: row for row in response.context["regions"]}
        assert (regions["71"]["flagged"], regions["75"]["flagged"]) == (1, 1)
        assert response.context["top"][0].school_id == flagged["a"].pk  # R01, R02, R03, R05: 1 + 2 + 3 + 1
        assert response.context["top"][0].score == 7
        assert [row["flagged"] for row in response.context["trend"]] == [2]
        assert b"risk-chart-data" in response.content
        tiles = {tile["region"].code: tile for tile in response.context["tiles"]}
        assert len(tiles) == 20 and (tiles["71"]["shade"], tiles["75"]["shade"]) == (4, 4) and tiles["10"]["row"] is None
        assert response.content.count(b'data-testid="region-tile"') == 20 and b"?region=71&amp;status=open" in response.content
        # Each tile's place is a class the stylesheet defines (the CSP allows no inline style).
        css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
        for tile in tiles.values():
            assert f".risk-row-{tile['grid_row']} {{" in css and f".risk-col-{tile['grid_column']} {{" in css

    def test_a_schools_risk_page_gives_each_flag_in_plain_words_and_a_monitor_may_replay_it(self, flagged, client,
                                                                                          monitor_user):
        client.force_login(monitor_user)
        with translation.override("en"):
            page = client.get(reverse("risk:school", args=[flagged["a"].pk]))
        body = page.content.decode()
        assert page.status_code == 200 and body.count('data-testid="risk-flag"') == 4
        assert f"the pupil with IIN {flagged['iins']['R01']} has 4 enrolments" in body
        flag = RiskFlag.objects.get(code="R05")
        replay = client.get(reverse("risk:flag-replay", args=[flag.pk]), HTTP_HX_REQUEST="true")
        assert replay.status_code == 200 and 'data-identical="yes"' in replay.content.decode()

    @pytest.mark.parametrize("language", ["kk", "ru", "en"])
    def test_every_flag_reads_in_each_language(self, flagged, client, operator_user, language):
        client.force_login(operator_user)
        for flag in RiskFlag.objects.all():
            with translation.override(language):
                response = client.get(reverse("risk:flag-detail", args=[flag.pk]))
            assert response.status_code == 200
            assert 'data-testid="flag-summary"' in response.content.decode()

    def test_a_monitor_opens_a_monitoring_case_from_a_flag_and_an_operator_reads_its_cases(self, flagged, client,
                                                                                             operator_user, monitor_user):
        flag = RiskFlag.objects.get(code="R03", school=flagged["a"])
        url = reverse("risk:flag-detail", args=[flag.pk])
        client.force_login(operator_user)
        body = client.get(url).content.decode()
        assert 'data-testid="subject-cases"' in body and 'data-testid="open-case"' not in body
        client.force_login(monitor_user)
        body = client.get(url).content.decode()
        assert f"{reverse('oversight:case-open')}?subject_kind=risk_flag&amp;subject_id={flag.pk}" in body

    def test_flags_export_as_csv_and_xlsx(self, flagged, client, operator_user):
        client.force_login(operator_user)
        response = client.get(reverse("risk:flag-list") + "?code=R01&export=csv")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert len(rows) == 2 and rows[1][1] == "R01" and rows[1][6] == flagged["iins"]["R01"]
        response = client.get(reverse("risk:flag-list") + "?export=xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # streamed from disk
        assert sheet.max_row == 1 + RiskFlag.objects.count()

    def test_the_api_lists_flags_with_evidence_and_replays_them(self, flagged, api_as, monitor_user):
        api = api_as(monitor_user)
        flags = api.get("/api/v1/risk-flags/?code=R05").json()["results"]
        assert len(flags) == 1 and flags[0]["evidence"]["iin"] == flagged["iins"]["R05"]
        assert flags[0]["case_reference"] == f"risk:{flags[0]['id']}:R05"
        replay = api.get(f"/api/v1/risk-flags/{flags[0]['id']}/replay/").json()
        assert replay["identical"] is True and replay["recomputed_sha256"] == flags[0]["evidence_sha256"]
        runs = api.get("/api/v1/risk-runs/").json()["results"]
        assert runs[0]["counts"] == {"R01": 1, "R02": 1, "R03": 2, "R04": 0, "R05": 1}
        assert api.post(f"/api/v1/risk-flags/{flags[0]['id']}/replay/").status_code in (403, 405)

    def test_navigation_offers_the_risk_pages_to_departments_operators_and_monitors(self, db, region_astana):
        from portal.navigation import nav_items

        for role, expected in (("department", True), ("operator", True), ("monitor", True), ("school", False)):
            fields = {"region": region_astana} if role == "department" else {}
            if role == "school":
                fields = {"school": make_school(region=region_astana)}
            user = make_user(f"nav-{role}", role=role, **fields)
            names = {item["name"] for item in nav_items(user)}
            assert ("risk:overview" in names) is expected, role


@pytest.mark.django_db
class ApiConventionsTests:
    """The risk endpoints on the portal's conventions: typed filters, strict query parameters, the one 403 reason."""

    def test_a_school_is_named_by_bin_name_or_id_and_a_region_by_its_kato(self, flagged, api_as, operator_user):
        api = api_as(operator_user)
        at_b = {RiskFlag.objects.get(school=flagged["b"]).pk}
        school_b = flagged["b"]
        for value in (school_b.bin, str(school_b.pk), school_b.name_ru[-4:]):
            listed = api.get("/api/v1/risk-flags/", {"school": value}).json()["results"]
            assert {item["id"] for item in listed} == at_b, value
        for value in ("75", school_b.region.kato):
            listed = api.get("/api/v1/risk-flags/", {"region": value}).json()["results"]
            assert {item["id"] for item in listed} == at_b, value
        scores = api.get("/api/v1/risk-scores/", {"school": school_b.bin}).json()["results"]
        assert [item["school"] for item in scores] == [school_b.pk]

    def test_a_value_that_cannot_be_one_or_an_unknown_parameter_is_a_400(self, flagged, api_as, operator_user):
        api = api_as(operator_user)
        for params in ({"region": "7"}, {"iin": "12345"}, {"zz": "1"}):
            response = api.get("/api/v1/risk-flags/", params)
            assert response.status_code == 400, params
        assert api.get("/api/v1/risk-runs/", {"status": "nonsense"}).status_code == 400
        assert api.get("/api/v1/risk-runs/", {"status": "succeeded"}).json()["count"] == 1

    def test_a_school_is_refused_with_the_translated_reason(self, flagged, client, school_user):
        client.force_login(school_user)
        with translation.override("ru"):
            response = client.get(reverse("risk:overview"))
        assert response.status_code == 403
        with translation.override("ru"):
            assert translation.gettext("Your role may not do this.") in response.content.decode()


@pytest.mark.django_db
class FlagListSchoolBoxTests:
    """The flags' school box takes a part of the name as well as a BIN, and suggests only the schools the user may see."""

    def test_the_school_box_matches_a_part_of_the_name_or_the_bin(self, flagged, client, operator_user):
        client.force_login(operator_user)
        at_b = set(RiskFlag.objects.filter(schools=flagged["b"]).values_list("pk", flat=True))
        for value in (flagged["b"].name_ru[-4:], flagged["b"].bin):
            response = client.get(reverse("risk:flag-list"), {"school": value})
            assert {flag.pk for flag, _explained in response.context["rows"]} == at_b, value
        body = response.content.decode()
        assert 'name="school"' in body and "/schools/autocomplete/?field=school" in body

    def test_a_department_is_offered_only_its_regions_schools(self, flagged, client, department_user):
        client.force_login(department_user)
        found = client.get(reverse("schools:autocomplete"), {"field": "school", "school": flagged["b"].name_ru[-4:]})
        assert flagged["b"].bin not in found.content.decode()
        listed = client.get(reverse("risk:flag-list"), {"school": flagged["b"].name_ru[-4:]})
        assert listed.context["rows"] == []
