"""Programme pages, and the programme and instrument filters of the lists (pages and API)."""

import pytest

from programmes.models import Programme
from tests.contingent.factories import make_contract as make_state_order_contract
from tests.factories import make_school
from tests.programmes.factories import make_beneficiary, make_programme, make_programme_contract, programme_of


@pytest.mark.django_db
class ProgrammePageTests:
    def test_a_department_creates_and_activates_a_dormitory_programme_on_its_pages(self, client, department_user):
        client.force_login(department_user)
        assert client.get("/en/programmes/new/").status_code == 200
        response = client.post("/en/programmes/new/", {
            "code": "DORM-71", "instrument": "dormitory_place", "name_kk": "Жатақхана", "name_ru": "Общежитие",
            "norms": "place;45 000,00", "terms": ""})
        programme = Programme.objects.get(code="DORM-71")
        assert response.status_code == 302 and (programme.region_id, programme.status) == ("71", "draft")
        norm = programme.norms.get()  # a fixed category keeps its own label in each language
        assert (norm.label_kk, norm.label_ru, norm.label_en) == ("Жатақханадағы орын", "Место в общежитии", "Dormitory place")
        page = client.get(f"/en/programmes/{programme.pk}/")
        assert b"programme-activate" in page.content and b"45,000.00" in page.content
        client.post(f"/en/programmes/{programme.pk}/activate/")
        programme.refresh_from_db()
        assert programme.status == "active"

    def test_a_bad_norms_line_is_a_form_error_and_saves_nothing(self, client, department_user):
        client.force_login(department_user)
        response = client.post("/en/programmes/new/", {"code": "X", "instrument": "scholarship", "name_kk": "a",
                                                       "name_ru": "b", "norms": "regular;abc"})
        assert response.status_code == 200 and b"Line 1" in response.content and not Programme.objects.filter(code="X")

    def test_every_role_reads_the_catalogue_and_only_managers_may_create(self, client, school_user, monitor_user,
                                                                         department_user):
        make_programme("scholarship", actor=department_user)
        for user in (school_user, monitor_user):
            client.force_login(user)
            listing = client.get("/en/programmes/")
            assert listing.status_code == 200 and b"SCHOLARSHIP" in listing.content
            assert b"programme-create" not in listing.content and client.get("/en/programmes/new/").status_code == 403

    def test_a_department_announces_a_call_under_its_programme(self, client, department_user):
        programme = make_programme("dormitory_place", actor=department_user)
        client.force_login(department_user)
        page = client.get(f"/en/orders/new/?programme={programme.pk}")
        assert page.status_code == 200 and b"places_place" in page.content and b"places_primary" not in page.content


    def test_the_catalogue_sorts_by_code_and_by_the_name_in_the_language_shown(self, client, operator_user, department_user):
        from tests.sorting import assert_sorts

        first = make_programme("scholarship", actor=department_user, code="AA-SCHOL")
        last = make_programme("dormitory_place", actor=department_user, code="ZZ-DORM")
        Programme.objects.filter(pk=first.pk).update(name_kk="Яя", name_ru="Аа")
        Programme.objects.filter(pk=last.pk).update(name_kk="Аа", name_ru="Яя")
        client.force_login(operator_user)
        for path, key in (("/en/programmes/", "code"), ("/ru/programmes/", "name"), ("/kk/programmes/", "name")):
            expected = list(Programme.objects.visible_to(operator_user).order_by(
                {"code": "code", "name": {"ru": "name_ru", "kk": "name_kk"}.get(path[1:3])}[key], "id").values_list("pk", flat=True))
            assert_sorts(client, path, key, expected)
        ours = [pk for pk in expected if pk in (first.pk, last.pk)]
        assert ours == [last.pk, first.pk]  # in Kazakh, by the Kazakh name


@pytest.mark.django_db
class FilterByProgrammeTests:
    @pytest.fixture
    def two_programmes(self, region_astana):
        dorm = make_school(region=region_astana, name="Dorm", kind="dormitory")
        school = make_school(region=region_astana, name="School")
        dormitory = programme_of("dormitory_place")
        dorm_contract = make_programme_contract(programme=dormitory, school=dorm, places={"place": 3})
        school_contract = make_state_order_contract(school=school, places={"primary": 3})
        make_beneficiary(school=dorm, kind="resident")
        return dormitory, dorm_contract, school_contract

    def test_the_api_lists_filter_by_programme_and_instrument(self, api_as, operator_user, two_programmes):
        dormitory, dorm_contract, school_contract = two_programmes
        api = api_as(operator_user)
        ids = lambda url: {row["id"] for row in api.get(url).json()["results"]}  # noqa: E731
        assert ids("/api/v1/contracts/?instrument=dormitory_place") == {dorm_contract.pk}
        assert ids(f"/api/v1/contracts/?programme={dormitory.pk}") == {dorm_contract.pk}
        assert ids("/api/v1/contracts/?instrument=school_per_capita") == {school_contract.pk}
        assert ids("/api/v1/state-orders/?instrument=dormitory_place") == {dorm_contract.order_id}
        assert {row["kind"] for row in api.get("/api/v1/enrolments/?instrument=dormitory_place").json()["results"]} == {"resident"}
        assert api.get("/api/v1/enrolments/?instrument=grant").json()["count"] == 0
        assert api.get("/api/v1/schools/?kind=dormitory").json()["count"] == 1
        assert api.get("/api/v1/contracts/?instrument=nonsense").status_code == 400

    def test_the_pages_filter_by_instrument_too(self, client, operator_user, two_programmes):
        _dormitory, dorm_contract, school_contract = two_programmes
        client.force_login(operator_user)
        page = client.get("/en/orders/contracts/?instrument=dormitory_place").content.decode()
        assert dorm_contract.number in page and school_contract.number not in page
        assert client.get("/en/acts/?instrument=grant").status_code == 200
        assert client.get("/en/checks/findings/?instrument=scholarship").status_code == 200

    def test_the_public_queue_lists_the_calls_of_every_instrument_with_their_programme_and_filters_by_it(
            self, client, two_programmes):
        dormitory, dorm_contract, school_contract = two_programmes
        page = client.get("/ru/orders/queue/").content.decode()
        assert f'href="/ru/orders/queue/{dorm_contract.order_id}/"' in page
        assert f'href="/ru/orders/queue/{school_contract.order_id}/"' in page
        assert "Программа<br><span class=\"text-muted small\">Места в общежитии (за занятое место в месяц)</span>" in page
        page = client.get("/ru/orders/queue/?instrument=dormitory_place").content.decode()
        assert f"/ru/orders/queue/{dorm_contract.order_id}/" in page and f"/ru/orders/queue/{school_contract.order_id}/" not in page
        page = client.get(f"/ru/orders/queue/?programme={dormitory.pk}").content.decode()
        assert f"/ru/orders/queue/{school_contract.order_id}/" not in page
        detail = client.get(f"/ru/orders/queue/{dorm_contract.order_id}/").content.decode()
        assert "Программа — Места в общежитии (за занятое место в месяц)" in detail


@pytest.mark.django_db
class ProgrammeSelectTests:
    def test_the_lists_offer_the_programmes_the_user_may_see_by_code_and_name_and_filter_by_the_one_picked(
            self, client, department_user, other_department_user):
        mine = make_programme("dormitory_place", actor=department_user, code="DORM-71")
        theirs = make_programme("dormitory_place", actor=other_department_user, code="DORM-75")
        client.force_login(department_user)
        for url in ("/en/acts/", "/en/orders/contracts/", "/en/payments/payments/", "/en/contingent/"):
            page = client.get(url).content.decode()
            assert f'<option value="{mine.pk}">DORM-71 — ' in page, url
            assert "DORM-75" not in page and f'<option value="{theirs.pk}">DORM' not in page, url
        picked = client.get("/en/acts/", {"programme": mine.pk}).content.decode()
        assert f'<option value="{mine.pk}" selected>' in picked
