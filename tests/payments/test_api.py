import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from payments.choices import PaymentStatus
from payments.models import Payment
from payments.services import act_build, act_submit, payment_prepare
from tests.factories import make_user
from tests.payments.conftest import OCTOBER, TODAY
from tests.payments.factories import make_enrolment, make_finding
from tests.payments.helpers import accepted_act, confirmation_csv


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
        response = client.post(f"/api/v1/acts/{act.pk}/partly-accept/",
                               {"rejections": [{"line": blocked_line.pk, "reason": "check_error"}]}, format="json")
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
        assert body and body[0]["kind"] == "submission" and body[0]["month"] == "2025-09"


@pytest.mark.django_db
class PaymentApiTests:
    def test_two_operators_pay_an_act_and_the_bank_confirms_it(self, api_as, contract, school_a, school_user,
                                                              department_user, operator_user, second_operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        first, second = api_as(operator_user), api_as(second_operator_user)
        prepared = first.post("/api/v1/payments/", {"act": act.pk}, format="json")
        assert prepared.status_code == 201, prepared.json()
        payment_id = prepared.json()["id"]
        assert first.post(f"/api/v1/payments/{payment_id}/approve/").status_code == 403  # four eyes
        assert second.post(f"/api/v1/payments/{payment_id}/approve/").json()["status"] == "approved"
        registry = first.post("/api/v1/payment-registries/", {}, format="json")
        assert registry.status_code == 201 and registry.json()["payment_count"] == 1
        export = first.get(f"/api/v1/payment-registries/{registry.json()['id']}/export/?file_format=csv")
        assert export.status_code == 200 and prepared.json()["reference"] in b"".join(export.streaming_content).decode()
        payment = Payment.objects.get(pk=payment_id)
        upload = SimpleUploadedFile("bank.csv", confirmation_csv([(payment, "paid", "B-77", dt.date(2025, 11, 21), "")]))
        preview = first.post("/api/v1/bank-confirmations/", {"file": upload}, format="multipart")
        assert preview.status_code == 201, preview.json()
        assert preview.json()["rows"][0]["payment_reference"] == payment.reference
        applied = second.post(f"/api/v1/bank-confirmations/{preview.json()['confirmation']['id']}/apply/")
        assert applied.status_code == 200 and applied.json()["status"] == "applied"
        assert first.get(f"/api/v1/payments/{payment_id}/").json()["status"] == "paid"
        assert first.get(f"/api/v1/acts/{act.pk}/").json()["status"] == "paid"

    def test_a_bad_confirmation_answers_every_line_and_changes_nothing(self, api_as, operator_user):
        upload = SimpleUploadedFile("bank.csv", b"payment_reference,status,amount,bank_reference,date\nEQP1,paid,x,,2025-01-01\n")
        response = api_as(operator_user).post("/api/v1/bank-confirmations/", {"file": upload}, format="multipart")
        assert response.status_code == 400
        errors = response.json()["error"]["details"]["errors"]
        assert {e["line"] for e in errors} == {2} and len(errors) >= 3

    def test_schools_and_departments_see_their_payments_but_registries_only_operators(
            self, api_as, contract, school_a, school_user, department_user, other_school_user, operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment_prepare(act=act, actor=operator_user)
        assert api_as(school_user).get("/api/v1/payments/").json()["count"] == 1
        assert api_as(other_school_user).get("/api/v1/payments/").json()["count"] == 0
        assert api_as(department_user).get("/api/v1/payment-registries/").json()["count"] == 0
        assert api_as(school_user).post("/api/v1/payments/", {"act": act.pk}, format="json").status_code == 403


@pytest.mark.django_db
class ReportApiTests:
    def test_a_final_report_is_prepared_and_approved_by_the_department(self, api_as, contract, school_user,
                                                                       department_user):
        created = api_as(school_user).post("/api/v1/final-reports/", {"contract": contract.pk}, format="json")
        assert created.status_code == 201, created.json()
        report = created.json()
        assert report["status"] == "draft" and report["figures"]["balanced"] is True
        assert api_as(school_user).post(f"/api/v1/final-reports/{report['id']}/approve/").status_code == 403
        approved = api_as(department_user).post(f"/api/v1/final-reports/{report['id']}/approve/")
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        assert len(approved.json()["figures_sha256"]) == 64


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("transactional_db")
class ConcurrentApprovalApiTests:
    def test_twenty_concurrent_approval_requests_approve_once(self, contract, school_a, school_user, department_user,
                                                              operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment = payment_prepare(act=act, actor=operator_user)
        approvers = [make_user(f"api_approver{i}", role="operator") for i in range(20)]
        barrier = threading.Barrier(len(approvers))
        codes = []

        def approve(user):
            client = APIClient()
            client.force_authenticate(user)
            try:
                barrier.wait()
                codes.append(client.post(f"/api/v1/payments/{payment.pk}/approve/").status_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=approve, args=(user,)) for user in approvers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(codes) == [200] + [409] * 19
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.APPROVED and Payment.objects.filter(act=act).count() == 1
