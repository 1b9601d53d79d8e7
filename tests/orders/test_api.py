import hashlib

import pytest

from orders.models import Application, StateOrder
from tests.openapi import CheckedAPIClient as APIClient
from tests.orders.factories import make_active_contract, make_application, make_order

pytestmark = pytest.mark.django_db

ORDER_BODY = {
    "school_year": 2026, "programme_code": "261-015", "title": "Негізгі тапсырыс", "budget": "500000000.00",
    "sen_coefficient": "1.50", "applications_open_at": "2026-01-01T09:00:00+05:00",
    "applications_close_at": "2027-06-01T18:00:00+05:00", "service_start": "2026-09-01", "service_end": "2027-05-31",
    "levels": [{"level": "primary", "places": 40, "monthly_norm": "60000.00"},
               {"level": "basic", "places": 20, "monthly_norm": "70000.00"}],
}


class StateOrderApiTests:
    def test_a_department_drafts_edits_publishes_and_closes_an_order(self, api_as, department_user):
        client = api_as(department_user)
        created = client.post("/api/v1/state-orders/", ORDER_BODY, format="json")
        assert created.status_code == 201, created.content
        body = created.json()
        assert (body["status"], body["region"], body["actions"]) == ("draft", "71", ["publish"])
        assert [row["level"] for row in body["levels"]] == ["primary", "basic"]
        edited = client.put(f"/api/v1/state-orders/{body['id']}/", {**ORDER_BODY, "budget": "600000000.00"}, format="json")
        assert edited.json()["budget"] == "600000000.00"
        published = client.post(f"/api/v1/state-orders/{body['id']}/publish/")
        assert (published.status_code, published.json()["status"], published.json()["actions"]) == (200, "published", ["close"])
        assert client.put(f"/api/v1/state-orders/{body['id']}/", ORDER_BODY, format="json").status_code == 409
        assert client.post(f"/api/v1/state-orders/{body['id']}/close/").json()["status"] == "closed"

    def test_invalid_data_is_a_400_naming_the_field(self, api_as, department_user):
        response = api_as(department_user).post("/api/v1/state-orders/", {**ORDER_BODY, "service_end": "2027-05-30"}, format="json")
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["service_end"]

    @pytest.mark.parametrize("role_fixture", ["school_user", "operator_user", "monitor_user"])
    def test_other_roles_cannot_create_orders(self, request, api_as, role_fixture):
        response = api_as(request.getfixturevalue(role_fixture)).post("/api/v1/state-orders/", ORDER_BODY, format="json")
        assert response.status_code == 403
        assert not StateOrder.objects.exists()

    def test_anonymous_visitors_read_published_orders_but_never_drafts(self, api, department_user):
        published = make_order(actor=department_user)
        make_order(actor=department_user, publish=False)
        response = api.get("/api/v1/state-orders/")
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [published.pk]
        assert "created_by" not in response.json()["results"][0]

    def test_a_department_sees_only_its_regions_orders_and_cannot_act_on_others(self, api_as, department_user,
                                                                               other_department_user):
        order = make_order(actor=department_user, publish=False)
        client = api_as(other_department_user)
        assert client.get("/api/v1/state-orders/").json()["results"] == []
        assert client.post(f"/api/v1/state-orders/{order.pk}/publish/").status_code == 404

    def test_absurd_ids_and_filters_are_client_errors(self, api_as, department_user):
        client = api_as(department_user)
        assert client.get("/api/v1/state-orders/99999999999999999999/").status_code == 404
        assert client.get("/api/v1/state-orders/?school_year=99999999999999999999").status_code == 400
        assert client.get("/api/v1/applications/?order=-1").status_code == 400


class ApplicationApiTests:
    def test_a_school_applies_and_the_department_approves_fewer_places(self, api_as, department_user, school_user):
        order = make_order(actor=department_user)
        created = api_as(school_user).post("/api/v1/applications/", {
            "order": order.pk, "levels": [{"level": "primary", "places": 10}, {"level": "basic", "places": 4}],
        }, format="json")
        assert created.status_code == 201, created.content
        assert created.json()["actions"] == ["withdraw"]
        approved = api_as(department_user).post(f"/api/v1/applications/{created.json()['id']}/approve/", {
            "levels": [{"level": "primary", "places": 6}, {"level": "basic", "places": 4}], "note": "6 of 10",
        }, format="json")
        assert approved.status_code == 200, approved.content
        body = approved.json()
        assert body["status"] == "approved"
        assert {row["level"]: row["approved_places"] for row in body["levels"]} == {"primary": 6, "basic": 4}
        assert body["contract"] is not None

    def test_reject_needs_a_reason(self, api_as, department_user, school_user):
        application = make_application(order=make_order(actor=department_user), actor=school_user)
        client = api_as(department_user)
        assert client.post(f"/api/v1/applications/{application.pk}/reject/", {}, format="json").status_code == 400
        response = client.post(f"/api/v1/applications/{application.pk}/reject/", {"reason": "Late documents"}, format="json")
        assert (response.status_code, response.json()["status"], response.json()["reason"]) == (200, "rejected", "Late documents")

    def test_applying_to_another_regions_order_is_refused_without_revealing_it(self, api_as, other_department_user, school_user):
        order = make_order(actor=other_department_user)
        response = api_as(school_user).post("/api/v1/applications/", {"order": order.pk, "levels": [{"level": "primary", "places": 1}]},
                                            format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "no_such_order"
        assert not Application.objects.exists()

    def test_a_school_sees_only_its_own_applications(self, api_as, department_user, school_user, school_c_user):
        order = make_order(actor=department_user)
        mine = make_application(order=order, actor=school_user)
        make_application(order=order, actor=school_c_user)
        assert [row["id"] for row in api_as(school_user).get("/api/v1/applications/").json()["results"]] == [mine.pk]
        assert len(api_as(department_user).get("/api/v1/applications/").json()["results"]) == 2

    def test_applications_are_not_public_outside_the_queue(self, api):
        assert api.get("/api/v1/applications/").status_code == 401


class ContractApiTests:
    def test_both_parties_sign_the_document_they_downloaded(self, api_as, department_user, school_user):
        application = make_application(order=make_order(actor=department_user), actor=school_user)
        api_as(department_user).post(f"/api/v1/applications/{application.pk}/approve/", {}, format="json")
        contract_id = api_as(school_user).get("/api/v1/contracts/").json()["results"][0]["id"]
        document = api_as(school_user).get(f"/api/v1/contracts/{contract_id}/document/")
        assert document.status_code == 200 and document["Content-Type"] == "text/html; charset=utf-8"
        sha = hashlib.sha256(document.content).hexdigest()
        assert document["X-Content-SHA256"] == sha
        signed = api_as(school_user).post(f"/api/v1/contracts/{contract_id}/sign/", {"document_sha256": sha}, format="json")
        assert (signed.status_code, signed.json()["status"]) == (200, "signed_by_school")
        active = api_as(department_user).post(f"/api/v1/contracts/{contract_id}/sign/", {"document_sha256": sha}, format="json")
        body = active.json()
        assert body["status"] == "active"
        assert [(s["party"], s["sha256"]) for s in body["signatures"]] == [("school", sha), ("department", sha)]
        assert body["document"]["sha256"] == sha
        assert body["actions"] == ["close", "suspend", "terminate"]  # what the department may do next
        assert api_as(school_user).get(f"/api/v1/contracts/{contract_id}/").json()["actions"] == []

    def test_the_pdf_endpoint_answers_a_pdf_in_the_asked_language(self, api_as, department_user, school_user):
        contract = make_active_contract(order=make_order(actor=department_user), school_actor=school_user,
                                        department_actor=department_user)
        client = api_as(school_user)
        response = client.get(f"/api/v1/contracts/{contract.pk}/pdf/?lang=ru", HTTP_ACCEPT="application/pdf")
        assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
        assert response.content.startswith(b"%PDF-")
        bad = client.get(f"/api/v1/contracts/{contract.pk}/pdf/?lang=de", HTTP_ACCEPT="application/pdf")
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_language"

    def test_a_school_cannot_see_another_schools_contract(self, api_as, department_user, school_user, school_c_user):
        contract = make_active_contract(order=make_order(actor=department_user), school_actor=school_user,
                                        department_actor=department_user)
        assert api_as(school_c_user).get(f"/api/v1/contracts/{contract.pk}/").status_code == 404
        assert api_as(school_c_user).get(f"/api/v1/contracts/{contract.pk}/document/").status_code == 404

    def test_a_monitor_reads_but_cannot_suspend(self, api_as, department_user, school_user, monitor_user):
        contract = make_active_contract(order=make_order(actor=department_user), school_actor=school_user,
                                        department_actor=department_user)
        client = api_as(monitor_user)
        assert client.get(f"/api/v1/contracts/{contract.pk}/").status_code == 200
        assert client.post(f"/api/v1/contracts/{contract.pk}/suspend/", {"reason": "x"}, format="json").status_code == 403


class ContractDocumentApiTests:
    def test_the_stored_document_and_the_pdf_download_with_a_token_and_are_named(self, api, department_user,
                                                                                  school_user, school_c_user):
        from accounts.services import api_token_issue

        contract = make_active_contract(order=make_order(actor=department_user), school_actor=school_user,
                                        department_actor=department_user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=school_user)[1]}")
        document = api.get(f"/api/v1/contracts/{contract.pk}/document/", HTTP_ACCEPT="text/html")
        assert document.status_code == 200 and document.content == bytes(contract.document.content)
        assert document["Content-Disposition"] == f'inline; filename="contract-{contract.number}.html"'
        pdf = api.get(f"/api/v1/contracts/{contract.pk}/pdf/", {"lang": "kk"})
        assert pdf.status_code == 200 and pdf["Content-Disposition"] == f'inline; filename="contract-{contract.number}-kk.pdf"'
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=school_c_user)[1]}")
        assert api.get(f"/api/v1/contracts/{contract.pk}/pdf/").status_code == 404


class ContractFilterApiTests:
    def test_contracts_and_applications_are_found_by_number_bin_school_name_and_region(
            self, api_as, department_user, school_user, school_c_user, school_a):
        order = make_order(actor=department_user)
        contract = make_active_contract(order=order, school_actor=school_user, department_actor=department_user)
        make_application(order=order, actor=school_c_user)
        client = api_as(department_user)
        for params in ({"number": contract.number}, {"school": school_a.bin}, {"school": school_a.pk},
                       {"school": school_a.name_kk}, {"region": "710000000"}):
            rows = client.get("/api/v1/contracts/", params).json()["results"]
            assert [row["id"] for row in rows] == [contract.pk], params
        applications = client.get("/api/v1/applications/", {"school": school_a.bin}).json()["results"]
        assert [row["id"] for row in applications] == [contract.application_id]

    def test_the_contracts_page_takes_the_same_identifiers(self, client, department_user, school_user, school_c_user,
                                                           school_a):
        order = make_order(actor=department_user)
        contract = make_active_contract(order=order, school_actor=school_user, department_actor=department_user)
        other = make_active_contract(order=order, school_actor=school_c_user, department_actor=department_user)
        client.force_login(department_user)
        page = client.get(f"/en/orders/contracts/?school={school_a.bin}").content.decode()
        assert contract.number in page and other.number not in page


class PublicQueueApiTests:
    def test_anyone_reads_the_queue_in_submission_order_without_personal_data(self, department_user, school_user, school_c_user):
        order = make_order(actor=department_user)
        first = make_application(order=order, actor=school_user)
        second = make_application(order=order, actor=school_c_user)
        response = APIClient().get(f"/api/v1/queue-entries/?order={order.pk}")
        assert response.status_code == 200
        rows = response.json()["results"]
        assert [(r["position"], r["school_name_kk"], r["status"]) for r in rows] == [
            (1, first.school.name_kk, "submitted"), (2, second.school.name_kk, "submitted"),
        ]
        assert set(rows[0]) == {"position", "order", "region", "school_year", "programme_code", "school_name", "school_name_kk",
                                "school_name_ru", "submitted_at", "status", "levels"}
        assert school_user.username not in response.content.decode()


class ApiQueryCountTests:
    def test_the_contract_list_costs_the_same_queries_for_one_or_many_contracts(self, api_as, django_assert_max_num_queries,
                                                                              department_user, region_astana):
        from tests.factories import make_school, make_user

        order = make_order(actor=department_user)
        for i in range(6):
            school_user = make_user(f"qc_{i}", role="school", school=make_school(region=region_astana, name=f"QC {i}"))
            make_active_contract(order=order, school_actor=school_user, department_actor=department_user)
        client = api_as(department_user)
        with django_assert_max_num_queries(12):
            assert len(client.get("/api/v1/contracts/").json()["results"]) == 6
