import pytest

from checks.models import Finding
from tests.schools.factories import make_enrolment, make_finding, make_run, s02_details, s03_details


def ids(response) -> set:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def findings(school_a, school_b):
    return {
        "warning_a": make_finding(school_a, code="S04", details={"pupils": 620, "capacity": 600}),
        "error_a": make_finding(school_a, code="S02", details=s02_details(school_a)),
        "error_b": make_finding(school_b, code="S03", details=s03_details(school_b)),
    }


@pytest.mark.django_db
class FindingApiTests:
    def test_findings_are_scoped_by_role(self, api_as, findings, school_user, other_school_user, department_user, operator_user,
                                         monitor_user):
        every = {f.pk for f in findings.values()}
        assert ids(api_as(school_user).get("/api/v1/findings/")) == {findings["warning_a"].pk, findings["error_a"].pk}
        assert ids(api_as(other_school_user).get("/api/v1/findings/")) == {findings["error_b"].pk}
        assert ids(api_as(department_user).get("/api/v1/findings/")) == {findings["warning_a"].pk, findings["error_a"].pk}
        assert ids(api_as(operator_user).get("/api/v1/findings/")) == every
        assert ids(api_as(monitor_user).get("/api/v1/findings/")) == every
        assert api_as(school_user).get(f"/api/v1/findings/{findings['error_b'].pk}/").status_code == 404

    def test_findings_filter_and_carry_the_plain_words(self, api_as, findings, operator_user):
        client = api_as(operator_user)
        assert ids(client.get("/api/v1/findings/", {"code": ["S02", "S03"]})) == {findings["error_a"].pk, findings["error_b"].pk}
        assert ids(client.get("/api/v1/findings/", {"severity": "warning"})) == {findings["warning_a"].pk}
        assert ids(client.get("/api/v1/findings/", {"region": "75"})) == {findings["error_b"].pk}
        assert ids(client.get("/api/v1/findings/", {"date_from": "2025-12-01"})) == set()
        row = client.get(f"/api/v1/findings/{findings['error_a'].pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
        assert "86.10, which is not education" in row["explanation"] and row["check_date"] == "2025-11-01"

    def test_findings_are_found_by_bin_school_name_id_kato_and_pupil_iin(self, api_as, findings, operator_user,
                                                                          school_a, school_b):
        client = api_as(operator_user)
        mine = {findings["warning_a"].pk, findings["error_a"].pk}
        for params in ({"school": school_a.bin}, {"school": school_a.pk}, {"school": "ктеп а"}, {"region": "710000000"}):
            assert ids(client.get("/api/v1/findings/", params)) == mine, params
        enrolment = make_enrolment(school_b, grade=4)
        pupil_finding = make_finding(school_b, code="P02", enrolment=enrolment)
        assert ids(client.get("/api/v1/findings/", {"iin": enrolment.pupil.iin})) == {pupil_finding.pk}
        assert client.get("/api/v1/findings/", {"iin": "12345"}).status_code == 400

    def test_a_pupil_finding_names_the_pupil(self, api_as, school_a, operator_user):
        enrolment = make_enrolment(school_a, grade=4)
        finding = make_finding(school_a, code="P02", enrolment=enrolment)
        row = api_as(operator_user).get(f"/api/v1/findings/{finding.pk}/").json()
        assert row["pupil"] == {"iin": enrolment.pupil.iin, "name": str(enrolment.pupil), "grade": 4}

    def test_the_school_explains_its_warning(self, api_as, findings, school_user):
        response = api_as(school_user).post(f"/api/v1/findings/{findings['warning_a'].pk}/explain/", {"explanation": "New wing"},
                                            format="json")
        assert response.status_code == 200 and response.json()["status"] == "explained"

    def test_an_error_cannot_be_explained(self, api_as, findings, school_user):
        response = api_as(school_user).post(f"/api/v1/findings/{findings['error_a'].pk}/explain/", {"explanation": "x"}, format="json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "not_a_warning"

    def test_department_and_operator_waive_and_resolve_within_their_scope(self, api_as, findings, department_user,
                                                                           other_department_user, operator_user):
        url = f"/api/v1/findings/{findings['error_a'].pk}/waive/"
        assert api_as(other_department_user).post(url, {"reason": "x"}, format="json").status_code == 404
        response = api_as(department_user).post(url, {"reason": "Letter"}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "waived"
        response = api_as(operator_user).post(f"/api/v1/findings/{findings['error_b'].pk}/resolve/", {"reason": "Fixed"}, format="json")
        assert response.json()["status_reason"] == "Fixed"
        again = api_as(operator_user).post(f"/api/v1/findings/{findings['error_b'].pk}/resolve/", {"reason": "Fixed"}, format="json")
        assert again.status_code == 409

    def test_role_rules_for_the_actions(self, api_as, findings, school_user, department_user, monitor_user):
        pk = findings["warning_a"].pk
        assert api_as(school_user).post(f"/api/v1/findings/{pk}/waive/", {"reason": "x"}, format="json").status_code == 403
        assert api_as(department_user).post(f"/api/v1/findings/{pk}/explain/", {"explanation": "x"}, format="json").status_code == 403
        for action, body in (("explain", {"explanation": "x"}), ("waive", {"reason": "x"}), ("resolve", {"reason": "x"})):
            assert api_as(monitor_user).post(f"/api/v1/findings/{pk}/{action}/", body, format="json").status_code == 403
        assert Finding.objects.get(pk=pk).status == "open"

    def test_a_missing_reason_is_a_validation_error(self, api_as, findings, operator_user):
        response = api_as(operator_user).post(f"/api/v1/findings/{findings['error_a'].pk}/waive/", {}, format="json")
        assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]


@pytest.mark.django_db
class CheckRunApiTests:
    @pytest.mark.parametrize("role", ["school_user", "department_user", "operator_user", "monitor_user"])
    def test_every_signed_in_role_reads_the_runs(self, request, api_as, role):
        run = make_run()
        client = api_as(request.getfixturevalue(role))
        assert ids(client.get("/api/v1/check-runs/")) == {run.pk}
        assert client.get(f"/api/v1/check-runs/{run.pk}/").json()["check_date"] == "2025-11-01"

    def test_runs_are_read_only_and_filterable(self, api_as, operator_user):
        run = make_run()
        client = api_as(operator_user)
        assert client.post("/api/v1/check-runs/", {}).status_code in (403, 405)
        assert ids(client.get("/api/v1/check-runs/", {"status": "failed"})) == set()
        assert ids(client.get("/api/v1/check-runs/", {"date_from": "2025-11-01"})) == {run.pk}


@pytest.mark.django_db
class ClosingReasonApiTests:
    def test_a_finding_closed_by_a_run_gives_its_reason_in_the_requests_language(self, api_as, school_a, operator_user):
        run = make_run()
        finding = make_finding(school_a, code="S04", details={"pupils": 620, "capacity": 600}, status="resolved")
        Finding.objects.filter(pk=finding.pk).update(closed_by_run=run, status_reason="")
        for lang, words in (("ru", "больше этого не выявляет"), ("kk", "бұдан былай анықтамады"), ("en", "No longer found")):
            row = api_as(operator_user).get(f"/api/v1/findings/{finding.pk}/", HTTP_ACCEPT_LANGUAGE=lang).json()
            assert words in row["status_reason"] and str(run.pk) in row["status_reason"]
