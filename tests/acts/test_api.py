from decimal import Decimal

import pytest

from acts.services import act_build, act_submit
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_enrolment, make_finding


def submitted_act(contract, school, school_user, count=3):
    for grade in range(1, count + 1):
        make_enrolment(school=school, grade=grade)
    return act_submit(act=act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY),
                      actor=school_user, today=TODAY)


@pytest.mark.django_db
class ActApiTests:
    def test_a_school_builds_its_act_through_the_api(self, api_as, contract, school_a, school_user):
        make_enrolment(school=school_a, grade=4)
        response = api_as(school_user).post("/api/v1/acts/", {"contract": contract.pk, "month": "2025-10"}, format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["month"], body["status"], body["line_count"]) == ("2025-10", "draft", 1)
        again = api_as(school_user).post("/api/v1/acts/", {"contract": contract.pk, "month": "2025-10"}, format="json")
        assert again.status_code == 409 and again.json()["error"]["code"] == "act_exists"

    def test_bad_input_is_a_400_never_a_500(self, api_as, contract, school_user):
        client = api_as(school_user)
        for payload in ({"contract": 10**20, "month": "2025-10"}, {"contract": contract.pk, "month": "octobre"},
                        {"contract": "x", "month": "2025-10"}, {"contract": contract.pk, "month": "9999-99"}, {}):
            assert client.post("/api/v1/acts/", payload, format="json").status_code == 400, payload
        assert client.get("/api/v1/acts/?month=garbage").status_code == 200
        assert client.get("/api/v1/acts/99999999999999999/").status_code == 404

    def test_each_role_sees_only_its_acts_and_lines(self, api_as, contract, school_a, school_user, other_school_user,
                                                    department_user, other_department_user, monitor_user):
        act = submitted_act(contract, school_a, school_user)
        for user, visible in ((school_user, 1), (department_user, 1), (monitor_user, 1), (other_school_user, 0),
                              (other_department_user, 0)):
            assert api_as(user).get("/api/v1/acts/").json()["count"] == visible, user
            assert api_as(user).get(f"/api/v1/act-lines/?act={act.pk}").json()["count"] == 3 * visible
        assert api_as(other_school_user).get(f"/api/v1/acts/{act.pk}/").status_code == 404

    def test_lines_carry_their_findings_and_the_department_decides_them(self, api_as, contract, school_a, school_user,
                                                                       department_user):
        act = submitted_act(contract, school_a, school_user)
        blocked_line = act.lines.order_by("id").first()
        make_finding(school=school_a, code="P03", enrolment=blocked_line.enrolment)
        client = api_as(department_user)
        lines = client.get(f"/api/v1/act-lines/?act={act.pk}&blocked=true").json()["results"]
        assert [(line["id"], [f["code"] for f in line["findings"]]) for line in lines] == [(blocked_line.pk, ["P03"])]
        refused = client.post(f"/api/v1/acts/{act.pk}/decide-lines/", {"decision": "accepted", "lines": [blocked_line.pk]},
                              format="json")
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "line_blocked"
        decided = client.post(f"/api/v1/acts/{act.pk}/decide-lines/",
                              {"decision": "accepted", "selection": "pending_payable"}, format="json")
        assert decided.json() == {"decided": 2}
        rejections = {"rejections": [{"line": blocked_line.pk, "reason": "check_error"}]}
        not_inspected = client.post(f"/api/v1/acts/{act.pk}/partly-accept/", rejections, format="json")
        assert not_inspected.status_code == 400 and not_inspected.json()["error"]["code"] == "sample_missing"
        sample = client.post(f"/api/v1/acts/{act.pk}/draw-sample/").json()
        for line in sample["lines"]:
            client.post(f"/api/v1/acts/{act.pk}/inspect-line/", {"line": line["line"], "result": "present"}, format="json")
        response = client.post(f"/api/v1/acts/{act.pk}/partly-accept/", rejections, format="json")
        assert response.status_code == 200, response.json()
        assert Decimal(response.json()["accepted_amount"]) == act.total_amount - blocked_line.amount
        history = client.get(f"/api/v1/acts/{act.pk}/submissions/").json()
        assert [h["outcome"] for h in history] == ["partly_accepted"]

    def test_the_school_cannot_review_and_a_monitor_cannot_write(self, api_as, contract, school_a, school_user,
                                                                 monitor_user):
        act = submitted_act(contract, school_a, school_user)
        assert api_as(school_user).post(f"/api/v1/acts/{act.pk}/accept/").status_code == 403
        assert api_as(monitor_user).post(f"/api/v1/acts/{act.pk}/return/", {"reason": "x"}, format="json").status_code == 403
        assert api_as(monitor_user).get(f"/api/v1/acts/{act.pk}/").status_code == 200

    def test_overdue_acts_are_listed(self, api_as, contract, school_user):
        body = api_as(school_user).get("/api/v1/acts/overdue/").json()
        assert body["count"] >= 1 and body["results"][0]["kind"] == "submission" and body["results"][0]["month"] == "2025-09"


@pytest.mark.django_db
class InspectionApiTests:
    def test_the_department_draws_inspects_and_only_then_accepts(self, api_as, contract, school_a, school_user,
                                                                  department_user, monitor_user):
        act = submitted_act(contract, school_a, school_user)
        client = api_as(department_user)
        client.post(f"/api/v1/acts/{act.pk}/decide-lines/", {"decision": "accepted", "selection": "pending_payable"},
                    format="json")
        refused = client.post(f"/api/v1/acts/{act.pk}/accept/")
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "sample_missing"
        assert client.get(f"/api/v1/acts/{act.pk}/inspection-sample/").status_code == 404
        drawn = client.post(f"/api/v1/acts/{act.pk}/draw-sample/")
        assert drawn.status_code == 200, drawn.json()
        sample = drawn.json()
        assert len(sample["lines"]) == 3 and {line["result"] for line in sample["lines"]} == {"pending"}
        assert client.post(f"/api/v1/acts/{act.pk}/draw-sample/").status_code == 409
        first, *rest = sample["lines"]
        bad = client.post(f"/api/v1/acts/{act.pk}/inspect-line/", {"line": first["line"], "result": "absent"}, format="json")
        assert bad.status_code == 400 and bad.json()["error"]["fields"]["note"]
        for body in ({"line": first["line"], "result": "pending"}, {"line": "x", "result": "present"}, {}):
            assert client.post(f"/api/v1/acts/{act.pk}/inspect-line/", body, format="json").status_code == 400, body
        assert api_as(monitor_user).post(f"/api/v1/acts/{act.pk}/inspect-line/",
                                         {"line": first["line"], "result": "present"}, format="json").status_code == 403
        recorded = client.post(f"/api/v1/acts/{act.pk}/inspect-line/",
                               {"line": first["line"], "result": "absent", "note": "Сыныпта жоқ"}, format="json").json()
        assert (recorded["result"], recorded["inspected_by"]) == ("absent", department_user.username)
        pending = client.post(f"/api/v1/acts/{act.pk}/accept/")
        assert pending.status_code == 400 and pending.json()["error"]["code"] == "sample_pending"
        for line in rest:
            client.post(f"/api/v1/acts/{act.pk}/inspect-line/", {"line": line["line"], "result": "present"}, format="json")
        accepted = client.post(f"/api/v1/acts/{act.pk}/accept/")
        assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
        shown = api_as(monitor_user).get(f"/api/v1/acts/{act.pk}/inspection-sample/").json()
        assert {line["inspected_by"] for line in shown["lines"]} == {department_user.username}

    def test_the_school_sees_no_sample_while_its_act_is_under_review(self, api_as, contract, school_a, school_user,
                                                                     department_user):
        act = submitted_act(contract, school_a, school_user)
        api_as(department_user).post(f"/api/v1/acts/{act.pk}/draw-sample/")
        assert api_as(school_user).get(f"/api/v1/acts/{act.pk}/inspection-sample/").status_code == 404
        assert api_as(school_user).post(f"/api/v1/acts/{act.pk}/draw-sample/").status_code == 403
        api_as(department_user).post(f"/api/v1/acts/{act.pk}/return/", {"reason": "Күндер"}, format="json")
        assert api_as(school_user).get(f"/api/v1/acts/{act.pk}/inspection-sample/?version=1").status_code == 200


@pytest.mark.django_db
class ActLinksAndActionsApiTests:
    def test_a_line_names_its_act_by_id_number_and_link(self, api_as, contract, school_a, school_user):
        act = submitted_act(contract, school_a, school_user, count=1)
        line = api_as(school_user).get("/api/v1/act-lines/", {"act": act.pk}).json()["results"][0]
        assert (line["act"], line["act_number"]) == (act.pk, act.number)
        assert line["act_url"] == f"http://testserver/api/v1/acts/{act.pk}/"
        assert api_as(school_user).get(line["act_url"]).json()["number"] == act.number

    def test_an_act_lists_what_the_requesting_user_may_do_now(self, api_as, contract, school_a, school_user,
                                                            department_user, other_department_user, monitor_user):
        make_enrolment(school=school_a)
        draft = api_as(school_user).post("/api/v1/acts/", {"contract": contract.pk, "month": "2025-10"}, format="json")
        assert draft.json()["actions"] == ["rebuild", "submit"]
        act_id = draft.json()["id"]
        submitted = api_as(school_user).post(f"/api/v1/acts/{act_id}/submit/")
        assert submitted.json()["actions"] == []
        for user, actions in ((department_user, ["accept", "decide-lines", "draw-sample", "inspect-line", "partly-accept",
                                                 "return"]),
                              (monitor_user, []), (school_user, [])):
            assert api_as(user).get(f"/api/v1/acts/{act_id}/").json()["actions"] == actions, user
            assert api_as(user).get("/api/v1/acts/").json()["results"][0]["actions"] == actions, user
        assert api_as(other_department_user).get("/api/v1/acts/").json()["count"] == 0
        for action in ("accept", "decide-lines", "draw-sample", "inspect-line", "partly-accept", "return"):  # endpoints
            assert api_as(monitor_user).post(f"/api/v1/acts/{act_id}/{action}/").status_code == 403


@pytest.mark.django_db
class ActPdfApiTests:
    def test_the_act_pdf_downloads_with_a_token_for_those_who_see_the_act(self, api, contract, school_a, school_user,
                                                                         other_school_user, operator_user):
        from accounts.services import api_token_issue

        act = submitted_act(contract, school_a, school_user, count=1)
        for user in (school_user, operator_user):
            api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)[1]}")
            response = api.get(f"/api/v1/acts/{act.pk}/pdf/", HTTP_ACCEPT="application/pdf")
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"] == f'inline; filename="act-{act.pk}-2025-10.pdf"'
            assert response.content.startswith(b"%PDF")
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=other_school_user)[1]}")
        refused = api.get(f"/api/v1/acts/{act.pk}/pdf/", HTTP_ACCEPT="application/pdf")
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
        api.credentials()
        assert api.get(f"/api/v1/acts/{act.pk}/pdf/").status_code == 401


@pytest.mark.django_db
class ActCorrectionApiTests:
    def test_a_returned_act_is_corrected_resubmitted_and_accepted_through_the_api(self, api_as, contract, school_a,
                                                                                   school_user, department_user):
        make_enrolment(school=school_a, grade=3)
        school, department = api_as(school_user), api_as(department_user)
        act_id = school.post("/api/v1/acts/", {"contract": contract.pk, "month": "2025-10"}, format="json").json()["id"]
        make_enrolment(school=school_a, grade=4)
        rebuilt = school.post(f"/api/v1/acts/{act_id}/rebuild/")
        assert rebuilt.status_code == 200 and rebuilt.json()["line_count"] == 2, rebuilt.json()
        assert school.post(f"/api/v1/acts/{act_id}/submit/").json()["status"] == "submitted"
        returned = department.post(f"/api/v1/acts/{act_id}/return/", {"reason": "Сверьте классы"}, format="json")
        assert returned.status_code == 200 and returned.json()["status"] == "returned", returned.json()
        corrected = school.post(f"/api/v1/acts/{act_id}/correct/")
        assert corrected.status_code == 200, corrected.json()
        assert (corrected.json()["status"], corrected.json()["version"]) == ("draft", 2)
        assert school.post(f"/api/v1/acts/{act_id}/submit/").json()["status"] == "submitted"
        decided = department.post(f"/api/v1/acts/{act_id}/decide-lines/",
                                  {"decision": "accepted", "selection": "pending_payable"}, format="json")
        assert decided.json() == {"decided": 2}
        sample = department.post(f"/api/v1/acts/{act_id}/draw-sample/").json()
        for line in sample["lines"]:
            department.post(f"/api/v1/acts/{act_id}/inspect-line/", {"line": line["line"], "result": "present"},
                            format="json")
        accepted = department.post(f"/api/v1/acts/{act_id}/accept/")
        assert accepted.status_code == 200 and accepted.json()["status"] == "accepted", accepted.json()
        history = department.get(f"/api/v1/acts/{act_id}/submissions/").json()
        assert sorted(h["outcome"] for h in history) == ["accepted", "returned"]
