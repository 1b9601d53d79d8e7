"""The acts' filters take what people read — act and contract numbers, a BIN, a school's name, a KATO
code, a pupil's IIN — as well as ids, in the API and on the pages alike."""

import pytest

from acts.filters import ActFilterSet
from acts.models import Act
from tests.acts.conftest import OCTOBER
from tests.acts.factories import make_enrolment
from tests.acts.helpers import accepted_act


@pytest.fixture
def two_acts(contract, other_contract, school_a, school_b, school_user, other_school_user, department_user,
             other_department_user):
    make_enrolment(school=school_a, grade=2)
    make_enrolment(school=school_b, grade=7)
    mine = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
    theirs = accepted_act(contract=other_contract, month=OCTOBER, school_user=other_school_user,
                          department_user=other_department_user)
    return mine, theirs


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
class ActFilterTests:
    def test_acts_are_found_by_number_contract_school_and_region(self, api_as, monitor_user, two_acts, school_a):
        mine, theirs = two_acts
        client = api_as(monitor_user)
        for params in ({"number": mine.number}, {"number": mine.number.lower()}, {"contract": mine.contract.number},
                       {"contract": mine.contract_id}, {"school": school_a.bin}, {"school": school_a.pk},
                       {"school": school_a.name_ru[2:].upper()}, {"region": "71"}, {"region": "710000000"}):
            assert ids(client.get("/api/v1/acts/", params)) == [mine.pk], params

    def test_a_number_that_cannot_be_an_act_number_is_a_400_saying_what_one_looks_like(self, api_as, monitor_user):
        for params in ({"number": "71-2025-0001"}, {"number": "71-2025-0001/2025-13"}, {"region": "7"}):
            response = api_as(monitor_user).get("/api/v1/acts/", params)
            assert response.status_code == 400 and list(response.json()["error"]["fields"]) == list(params), params

    def test_the_act_number_read_back_names_the_same_act(self, two_acts):
        for act in two_acts:
            assert list(ActFilterSet({"number": act.number}, queryset=Act.objects.all()).qs) == [act]

    def test_lines_are_found_by_the_number_of_their_act_and_by_iin(self, api_as, monitor_user, two_acts):
        mine, _theirs = two_acts
        line = mine.lines.get()
        client = api_as(monitor_user)
        assert ids(client.get("/api/v1/act-lines/", {"act": mine.number})) == [line.pk]
        assert ids(client.get("/api/v1/act-lines/", {"iin": line.iin})) == [line.pk]
        assert client.get("/api/v1/act-lines/", {"iin": "123"}).status_code == 400

    def test_nobody_finds_a_pupil_outside_their_scope_by_naming_the_iin(self, api_as, other_school_user, two_acts):
        mine, _theirs = two_acts
        assert ids(api_as(other_school_user).get("/api/v1/act-lines/", {"iin": mine.lines.get().iin})) == []

    def test_the_acts_page_takes_the_same_identifiers(self, client, monitor_user, two_acts, school_a):
        mine, theirs = two_acts
        client.force_login(monitor_user)
        for query in (f"contract={mine.contract.number}", f"school={school_a.bin}", "region=710000000",
                      f"number={mine.number}", "school=ктеп А"):
            page = client.get(f"/en/acts/?{query}").content.decode()
            assert mine.number in page and theirs.number not in page, query
        page = client.get("/en/acts/?contract=NO-SUCH-NUMBER")
        assert page.status_code == 200 and mine.number not in page.content.decode()
