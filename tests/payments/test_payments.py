import csv
import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from openpyxl import load_workbook

from acts.choices import ActStatus
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.models import AuditEvent
from core.tabular import RowsInvalid
from payments.choices import PaymentStatus
from payments.models import BankConfirmation, Payment
from payments.selectors import REGISTRY_HEADERS, registry_rows
from payments.services import (
    confirmation_apply,
    confirmation_upload,
    payment_approve,
    payment_cancel,
    payment_prepare,
    payment_reissue,
    registry_create,
)
from tests.acts.conftest import OCTOBER
from tests.acts.factories import make_enrolment
from tests.acts.helpers import accepted_act
from tests.factories import make_user
from tests.payments.helpers import Upload, confirmation_csv, pay


@pytest.fixture
def act(contract, school_a, school_user, department_user):
    enrolments = [make_enrolment(school=school_a, grade=g) for g in (1, 2, 7)]
    return accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user,
                        reject_enrolments=enrolments[:1])


@pytest.mark.django_db
class PaymentTests:
    def test_one_operator_prepares_and_another_approves(self, act, operator_user, second_operator_user):
        payment = payment_prepare(act=act, actor=operator_user)
        assert (payment.status, payment.accepted_amount, payment.offset_amount, payment.amount) == (
            PaymentStatus.PREPARED, act.accepted_amount, Decimal("0.00"), act.accepted_amount)
        assert payment.payee_iban == act.school.iban and payment.payee_bin == act.school.bin
        with translation.override("en"), pytest.raises(PermissionDeniedError, match="another operator"):
            payment_approve(payment=payment, actor=operator_user)
        payment = payment_approve(payment=payment, actor=second_operator_user)
        assert (payment.status, payment.approved_by) == (PaymentStatus.APPROVED, second_operator_user)
        assert AuditEvent.objects.filter(object_id=str(payment.pk), action__in=["payment_prepared", "payment_approved"]).count() == 2

    def test_the_database_refuses_an_approval_by_the_preparer(self, act, operator_user):
        payment = payment_prepare(act=act, actor=operator_user)
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.APPROVED, approved_by=operator_user)

    def test_an_act_gets_one_live_payment_and_the_database_enforces_it(self, act, operator_user):
        payment = payment_prepare(act=act, actor=operator_user)
        with pytest.raises(ConflictError):
            payment_prepare(act=act, actor=operator_user)
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.create(act=act, accepted_amount=1, amount=1, payee_bin="x", payee_name="x", payee_iban="x",
                                   purpose="x", prepared_by=operator_user)
        payment_cancel(payment=payment, actor=operator_user, reason="Сома қате")
        assert payment_prepare(act=act, actor=operator_user).status == PaymentStatus.PREPARED

    def test_only_accepted_acts_of_schools_with_an_account_are_paid(self, contract, school_a, school_user, operator_user,
                                                                   department_user, act):
        from acts.services import act_build

        draft = act_build(contract=contract, month=dt.date(2025, 9, 1), actor=school_user, today=dt.date(2025, 11, 20))
        with pytest.raises(ConflictError):
            payment_prepare(act=draft, actor=operator_user)
        school_a.iban = ""
        school_a.save()
        with translation.override("en"), pytest.raises(DomainError, match="IBAN"):
            payment_prepare(act=act, actor=operator_user)

    def test_only_operators_touch_payments(self, act, department_user, school_user, operator_user):
        for user in (department_user, school_user):
            with pytest.raises(PermissionDeniedError):
                payment_prepare(act=act, actor=user)
        payment = payment_prepare(act=act, actor=operator_user)
        with pytest.raises(PermissionDeniedError):
            payment_approve(payment=payment, actor=department_user)

    def test_the_registry_lists_bin_iban_amount_purpose_contract_and_month(self, act, operator_user, second_operator_user):
        payment = payment_approve(payment=payment_prepare(act=act, actor=operator_user), actor=second_operator_user)
        registry = registry_create(actor=operator_user)
        payment.refresh_from_db()
        assert (payment.status, payment.registry) == (PaymentStatus.SENT, registry)
        assert (registry.payment_count, registry.total_amount) == (1, payment.amount)
        rows = list(registry_rows(registry=registry))
        assert rows == [[payment.reference, act.school.bin, act.school.name_ru, act.school.iban, payment.amount,
                         payment.purpose, act.contract.number, "2025-10"]]
        assert "10.2025" in payment.purpose and act.contract.number in payment.purpose
        with pytest.raises(DomainError):
            registry_create(actor=operator_user)  # nothing left to export

    def test_the_registry_downloads_as_csv_and_xlsx(self, act, operator_user, second_operator_user, client):
        payment = payment_approve(payment=payment_prepare(act=act, actor=operator_user), actor=second_operator_user)
        registry = registry_create(actor=operator_user)
        client.force_login(operator_user)
        response = client.get(f"/en/payments/registries/{registry.pk}/export/csv/")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == REGISTRY_HEADERS
        assert rows[1][0] == payment.reference and Decimal(rows[1][4]) == payment.amount
        response = client.get(f"/en/payments/registries/{registry.pk}/export/xlsx/")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        values = list(sheet.iter_rows(values_only=True))
        assert list(values[0]) == REGISTRY_HEADERS and Decimal(str(values[1][4])) == payment.amount

    def test_an_unknown_format_of_a_registry_or_a_final_report_is_a_404(self, act, contract, operator_user,
                                                                       second_operator_user, client):
        from payments.services import final_report_prepare

        payment_approve(payment=payment_prepare(act=act, actor=operator_user), actor=second_operator_user)
        registry = registry_create(actor=operator_user)
        report = final_report_prepare(contract=contract, actor=operator_user)
        client.force_login(operator_user)
        for fmt in ("xyz", "CSV", "pdf2"):
            assert client.get(f"/kk/payments/registries/{registry.pk}/export/{fmt}/").status_code == 404
            assert client.get(f"/kk/payments/reports/{report.pk}/download/{fmt}/").status_code == 404


@pytest.mark.django_db
class BankConfirmationTests:
    def sent(self, act, operator_user, second_operator_user):
        payment = payment_approve(payment=payment_prepare(act=act, actor=operator_user), actor=second_operator_user)
        registry_create(actor=operator_user)
        payment.refresh_from_db()
        return payment

    def test_a_paid_confirmation_closes_the_payment_and_the_act(self, act, operator_user, second_operator_user):
        payment = self.sent(act, operator_user, second_operator_user)
        content = confirmation_csv([(payment, "paid", "HALYK-0001", dt.date(2025, 11, 21), "")])
        confirmation, rows = confirmation_upload(file=Upload(content), actor=operator_user)
        assert [(r.payment, r.status) for r in rows] == [(payment, "paid")]
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.SENT  # a preview changes nothing
        confirmation_apply(confirmation=confirmation, actor=operator_user)
        payment.refresh_from_db()
        act.refresh_from_db()
        assert (payment.status, payment.bank_reference, payment.paid_on) == (PaymentStatus.PAID, "HALYK-0001",
                                                                             dt.date(2025, 11, 21))
        assert act.status == ActStatus.PAID
        with pytest.raises(ConflictError):
            confirmation_apply(confirmation=confirmation, actor=operator_user)
        with pytest.raises(ConflictError):
            confirmation_upload(file=Upload(content), actor=operator_user)

    def test_every_bad_row_is_reported_with_its_line_and_nothing_changes(self, act, operator_user, second_operator_user):
        payment = self.sent(act, operator_user, second_operator_user)
        content = confirmation_csv([
            (payment, "paid", "B-1", dt.date(2025, 11, 21), ""),
            (payment, "paid", "B-1", dt.date(2025, 11, 21), ""),  # repeated
        ]) + b"EQP999999999,paid,1.00,B-2,2025-11-21,\nXYZ,maybe,abc,,2025-13-01,\n"
        content += f"{payment.reference},failed,{payment.amount + 1},,2099-01-01,\n".encode()
        with translation.override("en"), pytest.raises(RowsInvalid) as error:
            confirmation_upload(file=Upload(content), actor=operator_user)
        lines = {(e.line, e.column) for e in error.value.errors}
        assert {(3, "payment_reference"), (4, "payment_reference"), (5, "payment_reference"), (5, "status"),
                (5, "amount"), (5, "date"), (6, "amount"), (6, "date"), (6, "message")} <= lines
        assert not any(line == 2 for line, _column in lines)
        assert not BankConfirmation.objects.exists()
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.SENT

    def test_the_file_is_checked_again_when_applied(self, act, operator_user, second_operator_user):
        payment = self.sent(act, operator_user, second_operator_user)
        content = confirmation_csv([(payment, "paid", "B-1", dt.date(2025, 11, 21), "")])
        first, _ = confirmation_upload(file=Upload(content), actor=operator_user)
        second, _ = confirmation_upload(file=Upload(content), actor=operator_user)
        confirmation_apply(confirmation=first, actor=operator_user)
        with pytest.raises(RowsInvalid):
            confirmation_apply(confirmation=second, actor=operator_user)  # the payment is no longer "sent"

    def test_an_xlsx_confirmation_is_read_too(self, act, operator_user, second_operator_user):
        from core.exports import xlsx_bytes

        payment = self.sent(act, operator_user, second_operator_user)
        content = xlsx_bytes(["payment_reference", "status", "amount", "bank_reference", "date"],
                             [[payment.reference, "paid", payment.amount, "B-9", dt.date(2025, 11, 21)]])
        confirmation, rows = confirmation_upload(file=Upload(content, "bank.xlsx"), actor=operator_user)
        assert rows[0].bank_reference == "B-9"

    def test_a_failed_payment_is_reissued_and_stays_in_the_history(self, act, operator_user, second_operator_user):
        failed = pay(act=act, preparer=operator_user, approver=second_operator_user, status="failed",
                     message="Шот жабылған")
        act.refresh_from_db()
        assert (failed.status, failed.status_reason, act.status) == (PaymentStatus.FAILED, "Шот жабылған",
                                                                     ActStatus.PARTLY_ACCEPTED)
        new = payment_reissue(payment=failed, actor=operator_user)
        assert (new.status, new.reissue_of, new.amount) == (PaymentStatus.PREPARED, failed, failed.amount)
        with pytest.raises(ConflictError):
            payment_reissue(payment=failed, actor=operator_user)
        with pytest.raises(ConflictError):
            payment_reissue(payment=new, actor=operator_user)
        assert list(Payment.objects.filter(act=act).order_by("id").values_list("status", flat=True)) == ["failed", "prepared"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("transactional_db")  # named, so that the autouse fixture puts the regions back
class PaymentConcurrencyTests:
    THREADS = 20

    def run_concurrently(self, calls):
        barrier = threading.Barrier(len(calls))
        results = []
        lock = threading.Lock()

        def worker(call):
            try:
                barrier.wait()
                call()
                outcome = "ok"
            except ConflictError:
                outcome = "conflict"
            except Exception as exc:  # noqa: BLE001 - reported in the assertion
                outcome = repr(exc)
            finally:
                connection.close()
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def test_twenty_concurrent_preparations_make_exactly_one_payment(self, act, school_a):
        operators = [make_user(f"preparer{i}", role="operator") for i in range(self.THREADS)]
        results = self.run_concurrently([lambda user=user: payment_prepare(act=act, actor=user) for user in operators])
        assert sorted(results) == ["conflict"] * (self.THREADS - 1) + ["ok"]
        assert Payment.objects.filter(act=act).count() == 1

    def test_twenty_concurrent_approvals_approve_exactly_once(self, act, operator_user):
        payment = payment_prepare(act=act, actor=operator_user)
        approvers = [make_user(f"approver{i}", role="operator") for i in range(self.THREADS)]
        results = self.run_concurrently([lambda user=user: payment_approve(payment=payment, actor=user) for user in approvers])
        assert sorted(results) == ["conflict"] * (self.THREADS - 1) + ["ok"]
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.APPROVED and payment.approved_by in approvers
        assert AuditEvent.objects.filter(action="payment_approved", object_id=str(payment.pk)).count() == 1
        assert Payment.objects.filter(act=act).count() == 1


def _violation(act, monitor, text="Оқушылар басқа мектепте оқыған"):
    """A monitoring case on ``act`` concluded "violation found" (its elimination report pending)."""
    from oversight.services import case_conclude, case_open

    case = case_open(actor=monitor, subject_kind="act", subject_id=act.pk, ground="citizen_complaint", ground_details="x")
    return case_conclude(case=case, actor=monitor, conclusion="violation_found", text=text)


class PaymentHoldTests:
    def test_a_held_acts_payment_is_refused_naming_the_case_until_the_report_is_accepted(
            self, act, operator_user, monitor_user, school_user):
        from oversight.services import case_close, case_report_elimination

        case = _violation(act, monitor_user)
        with translation.override("en"), pytest.raises(ConflictError, match=case.number) as refused:
            payment_prepare(act=act, actor=operator_user)
        assert refused.value.code == "payment_held" and "waits" in refused.value.message
        with translation.override("ru"), pytest.raises(ConflictError) as in_russian:
            payment_prepare(act=act, actor=operator_user)
        assert case.number in in_russian.value.message and "waits" not in in_russian.value.message
        case_report_elimination(case=case, actor=school_user, text="Оқушылар тізімнен шығарылды")
        with pytest.raises(ConflictError):
            payment_prepare(act=act, actor=operator_user)  # reported, not yet accepted
        case_close(case=case, actor=monitor_user)
        assert payment_prepare(act=act, actor=operator_user).status == PaymentStatus.PREPARED
        assert not Payment.objects.exclude(status=PaymentStatus.PREPARED).exists()

    def test_a_case_concluded_after_preparation_stops_approval_and_export(self, act, operator_user, second_operator_user,
                                                                        monitor_user):
        payment = payment_prepare(act=act, actor=operator_user)
        case = _violation(act, monitor_user)
        with pytest.raises(ConflictError, match=case.number):
            payment_approve(payment=payment, actor=second_operator_user)
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.PREPARED

    def test_an_approved_payment_of_a_held_act_stays_out_of_the_registry(self, act, operator_user, second_operator_user,
                                                                        monitor_user):
        payment = payment_approve(payment=payment_prepare(act=act, actor=operator_user), actor=second_operator_user)
        case = _violation(act, monitor_user)
        with pytest.raises(ConflictError, match=case.number):
            registry_create(actor=operator_user, payment_ids=[payment.pk])
        with pytest.raises(DomainError):  # exporting "everything approved": nothing that may leave
            registry_create(actor=operator_user)
        payment.refresh_from_db()
        assert (payment.status, payment.registry_id) == (PaymentStatus.APPROVED, None)

    def test_a_case_without_a_violation_does_not_hold(self, act, operator_user, monitor_user):
        from oversight.services import case_conclude, case_open

        case = case_open(actor=monitor_user, subject_kind="act", subject_id=act.pk, ground="media", ground_details="x")
        assert payment_prepare(act=act, actor=operator_user).status == PaymentStatus.PREPARED  # open: no hold yet
        case_conclude(case=case, actor=monitor_user, conclusion="not_found", text="Бұзушылық жоқ")

    def test_the_api_answers_409_and_the_act_page_says_why(self, act, api_as, client, operator_user, monitor_user):
        case = _violation(act, monitor_user)
        response = api_as(operator_user).post("/api/v1/payments/", {"act": act.pk}, format="json",
                                              HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 409 and response.json()["error"]["code"] == "payment_held"
        assert case.number in response.json()["error"]["message"]
        client.force_login(operator_user)
        fragment = client.get(f"/en/payments/payments/of-act/{act.pk}/").content.decode()
        assert 'data-testid="payment-held"' in fragment and 'data-testid="payment-prepare"' not in fragment
        listed = client.get("/en/payments/payments/").content.decode()
        assert f'data-testid="held-{act.pk}"' in listed and f'data-testid="prepare-{act.pk}"' not in listed
