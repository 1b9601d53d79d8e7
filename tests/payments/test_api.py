import datetime as dt
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from payments.choices import PaymentStatus
from payments.models import Payment
from payments.services import payment_prepare
from tests.acts.conftest import OCTOBER
from tests.acts.factories import make_enrolment
from tests.acts.helpers import accepted_act
from tests.factories import make_user
from tests.payments.helpers import confirmation_csv


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
