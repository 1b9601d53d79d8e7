import datetime as dt

import pytest

from tests.factories import make_school, next_bin
from tests.schools.factories import make_finding, make_licence, make_rnu


def ids(response) -> set:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.django_db
class SchoolApiTests:
    def test_schools_are_scoped_by_role(self, api_as, school_a, school_b, school_user, department_user, other_department_user,
                                        operator_user, monitor_user):
        assert ids(api_as(school_user).get("/api/v1/schools/")) == {school_a.pk}
        assert ids(api_as(department_user).get("/api/v1/schools/")) == {school_a.pk}
        assert ids(api_as(other_department_user).get("/api/v1/schools/")) == {school_b.pk}
        assert ids(api_as(operator_user).get("/api/v1/schools/")) == {school_a.pk, school_b.pk}
        assert ids(api_as(monitor_user).get("/api/v1/schools/")) == {school_a.pk, school_b.pk}
        assert api_as(school_user).get(f"/api/v1/schools/{school_b.pk}/").status_code == 404

    def test_anonymous_callers_are_refused(self, api, school_a):
        assert api.get("/api/v1/schools/").status_code == 401
        assert api.get("/api/v1/unreliable-suppliers/").status_code == 401

    def test_schools_filter_by_region_status_and_open_errors(self, api_as, operator_user, school_a, school_b, region_astana):
        make_finding(school_b, code="S03")
        closed = make_school(region=region_astana, status="closed")
        client = api_as(operator_user)
        assert ids(client.get("/api/v1/schools/", {"region": "75"})) == {school_b.pk}
        assert ids(client.get("/api/v1/schools/", {"status": "closed"})) == {closed.pk}
        assert ids(client.get("/api/v1/schools/", {"has_open_errors": "true"})) == {school_b.pk}
        row = client.get(f"/api/v1/schools/{school_b.pk}/").json()
        assert row["open_errors"] == 1 and row["region"] == "75" and row["bin"] == school_b.bin

    def test_the_schools_api_is_read_only_for_everyone(self, api_as, school_user, operator_user, school_a):
        for user in (school_user, operator_user):
            assert api_as(user).patch(f"/api/v1/schools/{school_a.pk}/", {"iban": "x"}).status_code in (403, 405)
            assert api_as(user).post("/api/v1/schools/", {}).status_code in (403, 405)


@pytest.mark.django_db
class LicenceApiTests:
    def test_licences_are_scoped_like_their_schools_and_outsiders_only_nationwide(self, api_as, school_a, school_b, school_user,
                                                                                  department_user, operator_user):
        mine = make_licence(school_a, levels=["primary"])
        theirs = make_licence(school_b)
        outside = make_licence(bin=next_bin())
        assert ids(api_as(school_user).get("/api/v1/licences/")) == {mine.pk}
        assert ids(api_as(department_user).get("/api/v1/licences/")) == {mine.pk}
        assert ids(api_as(operator_user).get("/api/v1/licences/")) == {mine.pk, theirs.pk, outside.pk}
        row = api_as(school_user).get(f"/api/v1/licences/{mine.pk}/").json()
        assert row["levels"] == ["primary"] and row["licence_number"] == mine.number

    def test_licences_filter_by_bin_status_and_level(self, api_as, operator_user, school_a):
        active = make_licence(school_a, levels=["general"])
        make_licence(school_a, levels=["primary"], status="revoked")
        client = api_as(operator_user)
        assert ids(client.get("/api/v1/licences/", {"level": "general"})) == {active.pk}
        assert ids(client.get("/api/v1/licences/", {"status": "active", "bin": school_a.bin})) == {active.pk}


@pytest.mark.django_db
class RegisterEntryApiTests:
    @pytest.mark.parametrize("role", ["school_user", "department_user", "operator_user", "monitor_user"])
    def test_every_signed_in_role_reads_the_whole_register(self, request, api_as, role, school_b):
        entries = {make_rnu(bin=school_b.bin).pk, make_rnu(bin=next_bin()).pk}
        assert ids(api_as(request.getfixturevalue(role)).get("/api/v1/unreliable-suppliers/")) == entries

    def test_in_force_on_a_date(self, api_as, operator_user):
        current = make_rnu(bin=next_bin(), included_on=dt.date(2024, 1, 1))
        make_rnu(bin=next_bin(), included_on=dt.date(2024, 1, 1), excluded_on=dt.date(2024, 6, 1))
        make_rnu(bin=next_bin(), included_on=dt.date(2025, 1, 1))
        assert ids(api_as(operator_user).get("/api/v1/unreliable-suppliers/", {"in_force_on": "2024-07-01"})) == {current.pk}

    def test_writes_are_refused(self, api_as, operator_user):
        assert api_as(operator_user).post("/api/v1/unreliable-suppliers/", {"bin": next_bin()}).status_code in (403, 405)


@pytest.mark.django_db
class HistoryApiTests:
    def test_history_is_scoped_and_shows_old_and_new(self, api_as, school_user, other_school_user, school_a):
        from schools.services import school_profile_update

        school_profile_update(school=school_a, actor=school_user, iban="KZ456010000000000001")
        rows = api_as(school_user).get("/api/v1/school-changes/").json()["results"]
        assert rows[0]["kind"] == "bank_account" and rows[0]["after"]["iban"] == "KZ456010000000000001"
        assert rows[0]["changed_by"] == school_user.username
        assert api_as(other_school_user).get("/api/v1/school-changes/").json()["results"] == []
