import datetime as dt
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from payments.choices import PaymentStatus
from payments.models import Payment
from payments.services import payment_prepare, recoveries_detect
from tests.acts.conftest import OCTOBER
from tests.acts.factories import make_check_run, make_enrolment, make_finding
from tests.acts.helpers import accepted_act
from tests.factories import make_user
from tests.openapi import CheckedAPIClient as APIClient
from tests.payments.helpers import confirmation_csv, pay


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
class ConcurrentPaymentApiTests:
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

    def test_twenty_concurrent_requests_to_prepare_one_act_make_one_payment_and_nineteen_payment_exists(
            self, contract, school_a, school_user, department_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        preparers = [make_user(f"api_preparer{i}", role="operator") for i in range(20)]
        barrier = threading.Barrier(len(preparers))
        answers = []

        def prepare(user):
            client = APIClient()
            client.force_authenticate(user)
            try:
                barrier.wait()
                response = client.post("/api/v1/payments/", {"act": act.pk}, format="json")
                answers.append((response.status_code, response.json().get("error", {}).get("code")))
            finally:
                connection.close()

        threads = [threading.Thread(target=prepare, args=(user,)) for user in preparers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(answers, key=lambda a: a[0]) == [(201, None)] + [(409, "payment_exists")] * 19
        assert Payment.objects.filter(act=act).count() == 1


@pytest.mark.django_db
class SecondPaymentApiTests:
    def test_a_second_payment_for_an_act_is_a_409_payment_exists_whatever_the_first_became(
            self, api_as, contract, school_a, school_user, department_user, operator_user, second_operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        client = api_as(operator_user)
        first = client.post("/api/v1/payments/", {"act": act.pk}, format="json")
        assert first.status_code == 201, first.json()
        refused = client.post("/api/v1/payments/", {"act": act.pk}, format="json")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "payment_exists"  # prepared
        api_as(second_operator_user).post(f"/api/v1/payments/{first.json()['id']}/approve/")
        assert client.post("/api/v1/payments/", {"act": act.pk}, format="json").json()["error"]["code"] == "payment_exists"
        september = accepted_act(contract=contract, month=dt.date(2025, 9, 1), school_user=school_user,
                                 department_user=department_user)
        pay(act=september, preparer=operator_user, approver=second_operator_user)
        paid = client.post("/api/v1/payments/", {"act": september.pk}, format="json")
        assert paid.status_code == 409 and paid.json()["error"]["code"] == "payment_exists"

    def test_an_act_not_yet_accepted_is_a_409_and_an_unseen_act_a_400(self, api_as, contract, school_a, school_user,
                                                                      operator_user):
        from acts.services import act_build

        make_enrolment(school=school_a)
        draft = act_build(contract=contract, month=OCTOBER, actor=school_user)
        response = api_as(operator_user).post("/api/v1/payments/", {"act": draft.pk}, format="json")
        assert response.status_code == 409 and response.json()["error"]["code"] == "act_not_payable"
        missing = api_as(operator_user).post("/api/v1/payments/", {"act": 10**12}, format="json")
        assert missing.status_code == 400 and list(missing.json()["error"]["fields"]) == ["act"]


@pytest.mark.django_db
class PaymentActionsApiTests:
    def test_a_payment_lists_what_the_requesting_user_may_do_now(self, api_as, contract, school_a, school_user,
                                                               department_user, operator_user, second_operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        created = api_as(operator_user).post("/api/v1/payments/", {"act": act.pk}, format="json").json()
        assert created["actions"] == ["cancel"]  # never approve one's own
        for user, actions in ((second_operator_user, ["approve", "cancel"]), (operator_user, ["cancel"]),
                              (school_user, []), (department_user, [])):
            assert api_as(user).get(f"/api/v1/payments/{created['id']}/").json()["actions"] == actions, user
            assert api_as(user).get("/api/v1/payments/").json()["results"][0]["actions"] == actions, user
        approved = api_as(second_operator_user).post(f"/api/v1/payments/{created['id']}/approve/").json()
        assert approved["actions"] == []


@pytest.mark.django_db
class PaymentDocumentApiTests:
    def _token(self, api, user):
        from accounts.services import api_token_issue

        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)[1]}")
        return api

    def test_the_registry_downloads_as_csv_and_xlsx_with_a_token(self, api, contract, school_a, school_user,
                                                                department_user, operator_user, second_operator_user,
                                                                monitor_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment = pay(act=act, preparer=operator_user, approver=second_operator_user)
        registry = payment.registry
        client = self._token(api, monitor_user)
        csv_file = client.get(f"/api/v1/payment-registries/{registry.pk}/csv/", HTTP_ACCEPT="text/csv")
        assert csv_file.status_code == 200 and csv_file["Content-Type"] == "text/csv; charset=utf-8"
        assert csv_file["Content-Disposition"] == f'attachment; filename="registry-{registry.number}.csv"'
        assert payment.reference in b"".join(csv_file.streaming_content).decode()
        xlsx = client.get(f"/api/v1/payment-registries/{registry.pk}/xlsx/")
        content = b"".join(xlsx.streaming_content)  # streamed from a temporary file
        assert xlsx.status_code == 200 and content.startswith(b"PK")
        assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert xlsx["Content-Disposition"] == f'attachment; filename="registry-{registry.number}.xlsx"'
        again = client.get(f"/api/v1/payment-registries/{registry.pk}/export/", {"file_format": "xlsx"})

        def cells(data: bytes) -> list:  # the sheet's cells (the zip's entries carry the time they were written)
            from openpyxl import load_workbook
            return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))

        assert cells(b"".join(again.streaming_content)) == cells(content)
        assert self._token(api, school_user).get(f"/api/v1/payment-registries/{registry.pk}/csv/").status_code == 404

    def test_the_final_report_downloads_as_pdf_xlsx_and_csv_for_those_who_see_it(
            self, api, api_as, contract, school_user, other_school_user, department_user):
        report = api_as(school_user).post("/api/v1/final-reports/", {"contract": contract.pk}, format="json").json()
        name = f"final-report-{report['id']}-{report['school_year']}"
        client = self._token(api, department_user)
        pdf = client.get(f"/api/v1/final-reports/{report['id']}/pdf/", HTTP_ACCEPT="application/pdf")
        assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf") and pdf.content.startswith(b"%PDF")
        assert pdf["Content-Disposition"] == f'inline; filename="{name}.pdf"'
        xlsx = client.get(f"/api/v1/final-reports/{report['id']}/xlsx/")
        assert xlsx.status_code == 200 and xlsx["Content-Disposition"] == f'attachment; filename="{name}.xlsx"'
        csv_file = client.get(f"/api/v1/final-reports/{report['id']}/csv/")
        assert csv_file.status_code == 200 and csv_file["Content-Type"].startswith("text/csv")
        assert self._token(api, other_school_user).get(f"/api/v1/final-reports/{report['id']}/pdf/").status_code == 404


@pytest.mark.django_db
class PaymentCancelReissueAndRecoveryApiTests:
    def test_an_operator_cancels_a_prepared_payment_with_the_reason(self, api_as, contract, school_a, school_user,
                                                                  department_user, operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment = payment_prepare(act=act, actor=operator_user)
        cancelled = api_as(operator_user).post(f"/api/v1/payments/{payment.pk}/cancel/", {"reason": "Неверный счёт"},
                                               format="json")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled", cancelled.json()
        assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CANCELLED

    def test_a_payment_the_bank_failed_is_reissued_as_a_new_one(self, api_as, contract, school_a, school_user,
                                                                department_user, operator_user, second_operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        failed = pay(act=act, preparer=operator_user, approver=second_operator_user, status="failed", message="Счёт закрыт")
        assert failed.status == PaymentStatus.FAILED
        reissued = api_as(operator_user).post(f"/api/v1/payments/{failed.pk}/reissue/")
        assert reissued.status_code == 201, reissued.json()
        body = reissued.json()
        assert body["id"] != failed.pk and (body["act"], body["status"]) == (act.pk, "prepared")

    def test_the_department_cancels_a_recovery_with_the_reason(self, api_as, contract, school_a, school_user,
                                                               department_user, operator_user, second_operator_user):
        enrolment = make_enrolment(school=school_a)
        paid = accepted_act(contract=contract, month=dt.date(2025, 9, 1), school_user=school_user,
                            department_user=department_user)
        pay(act=paid, preparer=operator_user, approver=second_operator_user)
        run = make_check_run(check_date=dt.date(2025, 10, 20))
        make_finding(school=school_a, code="P03", enrolment=enrolment, run=run)
        recoveries_detect(run=run)
        client = api_as(department_user)
        [recovery] = client.get("/api/v1/recoveries/").json()["results"]
        assert recovery["status"] == "open"
        cancelled = client.post(f"/api/v1/recoveries/{recovery['id']}/cancel/", {"reason": "Ученик учился"}, format="json")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled", cancelled.json()
