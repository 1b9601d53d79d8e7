import datetime as dt
from decimal import Decimal

import pytest

from acts.choices import ActStatus
from acts.services import act_build
from payments.choices import PaymentStatus
from payments.models import Payment
from payments.services import confirmation_upload, payment_approve, payment_prepare, registry_create
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_enrolment
from tests.acts.helpers import accepted_act
from tests.payments.helpers import Upload, confirmation_csv

pytestmark = pytest.mark.django_db


class ActPaymentsFragmentTests:
    """The act page (acts) loads the act's payments and the operator's "prepare" from this app by URL."""

    def test_the_act_page_loads_its_payments_from_the_payments_app(self, client, contract, school_a, school_user,
                                                                   department_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        client.force_login(school_user)
        page = client.get(f"/en/acts/{act.pk}/").content.decode()
        assert f'hx-get="/en/payments/payments/of-act/{act.pk}/"' in page and "payment-prepare" not in page

    def test_an_operator_prepares_from_the_fragment_and_then_sees_the_payment(self, client, contract, school_a, school_user,
                                                                            department_user, operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        url = f"/en/payments/payments/of-act/{act.pk}/"
        client.force_login(operator_user)
        fragment = client.get(url).content.decode()
        assert 'data-testid="payment-prepare"' in fragment and f"/en/payments/payments/prepare/{act.pk}/" in fragment
        payment = payment_prepare(act=act, actor=operator_user)
        fragment = client.get(url).content.decode()
        assert payment.reference in fragment and "payment-prepare" not in fragment
        client.force_login(school_user)
        fragment = client.get(url).content.decode()
        assert payment.reference in fragment and "payment-prepare" not in fragment

    def test_another_school_gets_a_404_and_a_draft_shows_nothing(self, client, contract, school_a, school_user,
                                                                  other_school_user, operator_user):
        make_enrolment(school=school_a)
        draft = act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY)
        client.force_login(other_school_user)
        assert client.get(f"/en/payments/payments/of-act/{draft.pk}/").status_code == 404
        client.force_login(operator_user)
        assert client.get(f"/en/payments/payments/of-act/{draft.pk}/").content.decode().strip() == ""


class PaymentListPrepareDialogTests:
    """The payments list's "Prepare the payment" opens a dialog with the amounts and the payee, as the act page's does."""

    def test_each_awaiting_act_has_a_dialog_with_the_amounts_and_the_payee_that_posts_the_preparation(
            self, client, contract, operator_user):
        from tests.portal.factories import make_act

        act = make_act(contract=contract, month=OCTOBER, status="accepted", accepted=Decimal("234567.50"))
        client.force_login(operator_user)
        page = client.get("/kk/payments/payments/").content.decode()
        dialog = page[page.index(f'data-testid="prepare-{act.pk}-dialog"'):]
        dialog = dialog[:dialog.index("</form>")]
        assert f'data-bs-target="#prepare-dialog-{act.pk}"' in page  # the button opens the dialog, posts nothing
        assert f'action="/kk/payments/payments/prepare/{act.pk}/"' in dialog
        assert "234\xa0567,50" in dialog and contract.school.iban in dialog and contract.school.bin in dialog
        assert f'data-testid="prepare-{act.pk}-confirm"' in dialog and not Payment.objects.exists()

    def test_the_dialogs_cost_the_same_queries_for_one_act_or_many(self, client, contract, operator_user):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.portal.factories import make_act

        make_act(contract=contract, month=dt.date(2025, 9, 1), status="accepted", accepted=Decimal("100"))
        client.force_login(operator_user)
        client.get("/en/payments/payments/")  # the first request of a session reads what later ones have cached
        with CaptureQueriesContext(connection) as one:
            client.get("/en/payments/payments/")
        for month in (10, 11, 12):
            make_act(contract=contract, month=dt.date(2025, month, 1), status="accepted", accepted=Decimal("100"))
        with CaptureQueriesContext(connection) as four:
            page = client.get("/en/payments/payments/").content.decode()
        assert page.count('-dialog"') == 4
        assert len(four.captured_queries) == len(one.captured_queries)


class PaymentPageTests:
    def test_two_operators_pay_through_the_pages_and_the_bank_file_closes_it(self, client, contract, school_a, school_user,
                                                                             department_user, operator_user,
                                                                             second_operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        client.force_login(operator_user)
        assert f"prepare-{act.pk}".encode() in client.get("/en/payments/payments/").content
        response = client.post(f"/en/payments/payments/prepare/{act.pk}/")
        payment = Payment.objects.get()
        assert response["Location"] == f"/en/payments/payments/{payment.pk}/"
        page = client.get(response["Location"])
        assert b"payment-approve" not in page.content and b"another operator must approve" in page.content
        client.force_login(second_operator_user)
        client.post(f"/en/payments/payments/{payment.pk}/approve/")
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.APPROVED
        client.post("/en/payments/registries/create/")
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.SENT
        content = confirmation_csv([(payment, "paid", "BANK-1", dt.date(2025, 11, 21), "")])
        response = client.post("/en/payments/bank/confirmations/upload/", {"file": Upload(content)})
        preview = client.get(response["Location"])
        assert b"confirmation-apply" in preview.content and payment.reference.encode() in preview.content
        client.post(response["Location"] + "apply/")
        payment.refresh_from_db()
        act.refresh_from_db()
        assert (payment.status, act.status) == (PaymentStatus.PAID, ActStatus.PAID)

    def test_a_bad_bank_file_shows_every_line_and_changes_nothing(self, client, operator_user):
        client.force_login(operator_user)
        bad = b"payment_reference,status,amount,bank_reference,date\nEQP000000001,paid,1,,2025-01-01\nnope,x,y,,z\n"
        response = client.post("/en/payments/bank/confirmations/upload/", {"file": Upload(bad)})
        assert response.status_code == 400
        text = response.content.decode()
        assert "line 2" in text and "line 3" in text

    def test_the_payment_page_shows_the_calculation(self, client, contract, school_a, school_user, department_user,
                                                    operator_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment = payment_prepare(act=act, actor=operator_user)
        client.force_login(school_user)
        page = client.get(f"/ru/payments/payments/{payment.pk}/").content.decode()
        assert 'data-testid="calculation"' in page and "95\xa0000,00" in page

    def test_every_list_page_renders_for_every_role(self, client, contract, school_a, school_user, department_user,
                                                    operator_user, second_operator_user, monitor_user):
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment = payment_approve(payment=payment_prepare(act=act, actor=operator_user), actor=second_operator_user)
        registry_create(actor=operator_user)
        payment.refresh_from_db()
        confirmation_upload(file=Upload(confirmation_csv([(payment, "failed", "", dt.date(2025, 11, 21), "шот жоқ")])),
                            actor=operator_user)
        pages = ["/kk/acts/", "/kk/acts/overdue/", "/kk/payments/payments/", "/kk/payments/recoveries/",
                 "/kk/payments/reports/", "/ru/acts/", "/en/payments/payments/"]
        for user in (school_user, department_user, operator_user, monitor_user):
            client.force_login(user)
            for url in pages:
                assert client.get(url).status_code == 200, (user.role, url)
            bank = client.get("/kk/payments/bank/").status_code
            assert bank == (200 if user.role in ("operator", "monitor") else 404)
        client.force_login(monitor_user)
        assert client.get("/kk/payments/registries/1/export/csv/").status_code in (200, 404)


class ReportPageTests:
    def test_the_final_report_adds_up_and_is_approved_by_the_department(self, client, contract, school_a, school_user,
                                                                        department_user, operator_user,
                                                                        second_operator_user):
        from tests.payments.helpers import pay

        make_enrolment(school=school_a, grade=2)
        e2 = make_enrolment(school=school_a, grade=8)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user,
                           reject_enrolments=[e2])
        payment = pay(act=act, preparer=operator_user, approver=second_operator_user)
        client.force_login(school_user)
        response = client.post("/en/payments/reports/prepare/", {"contract": contract.pk})
        page = client.get(response["Location"]).content.decode()
        assert 'data-testid="balanced"' in page and "report-approve" not in page
        client.force_login(department_user)
        client.post(response["Location"] + "approve/")
        report = contract.final_reports.get()
        assert report.status == "approved"
        figures = report.figures
        assert Decimal(figures["total"]["accepted"]) == act.accepted_amount == payment.amount
        assert Decimal(figures["total"]["paid"]) == Decimal(figures["settlement"]["transferred"]) == payment.amount
        assert Decimal(figures["total"]["submitted"]) == act.total_amount
        assert figures["balanced"] is True
        pdf = client.get(f"/kk/payments/reports/{report.pk}/download/pdf/")
        assert pdf.content.startswith(b"%PDF-")
        xlsx = client.get(f"/kk/payments/reports/{report.pk}/download/xlsx/")
        assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content).startswith(b"PK")


class ConfirmationDialogTests:
    """Preparing a payment, creating a registry and applying a bank confirmation first open a dialog with the sums."""

    @pytest.fixture
    def act(self, contract, school_a, school_user, department_user):
        for grade in (1, 2):
            make_enrolment(school=school_a, grade=grade)
        return accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)

    @staticmethod
    def dialog(html: str, name: str) -> str:
        part = html[html.index(f'id="{name}-dialog"'):]
        return part[:part.index(f'data-testid="{name}-confirm"')]

    def test_preparing_shows_the_amount_to_pay_and_the_payee(self, client, act, operator_user):
        client.force_login(operator_user)
        dialog = self.dialog(client.get(f"/en/payments/payments/of-act/{act.pk}/").content.decode(), "payment-prepare")
        amount = f"{act.accepted_amount:,.2f}"
        assert "Prepare the payment of the act" in dialog
        assert f"Amount to pay</dt><dd class=\"col-5 text-end text-nowrap\">{amount}</dd>" in dialog
        assert act.school.iban in dialog and act.school.bin in dialog
        assert not Payment.objects.exists()

    def test_a_registry_and_a_bank_confirmation_show_their_counts_and_sums(self, client, act, operator_user,
                                                                         second_operator_user):
        payment = payment_approve(payment=payment_prepare(act=act, actor=operator_user), actor=second_operator_user)
        client.force_login(operator_user)
        dialog = self.dialog(client.get("/en/payments/bank/").content.decode(), "registry-create")
        assert "Create a payment registry" in dialog
        assert "Payments</dt><dd class=\"col-5 text-end text-nowrap\">1</dd>" in dialog
        assert f"{payment.amount:,.2f}" in dialog
        registry_create(actor=operator_user)
        payment.refresh_from_db()
        confirmation, _rows = confirmation_upload(
            file=Upload(confirmation_csv([(payment, "paid", "BANK-1", dt.date(2025, 11, 21), "")])), actor=operator_user)
        dialog = self.dialog(client.get(f"/en/payments/bank/confirmations/{confirmation.pk}/").content.decode(),
                             "confirmation-apply")
        assert "Apply the bank confirmation" in dialog and "cannot be undone" in dialog
        assert "Payments confirmed as paid</dt><dd class=\"col-5 text-end text-nowrap\">1</dd>" in dialog
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.SENT


class PaymentAndReportSortingTests:
    def test_payments_sort_by_amount_both_ways(self, client, contract, operator_user):
        from tests.portal.factories import make_act, make_payment
        from tests.sorting import assert_sorts

        payments = []
        for month, accepted in ((9, "300.00"), (10, "100.00"), (11, "200.00")):
            act = make_act(contract=contract, month=dt.date(2025, month, 1), status="accepted", accepted=Decimal(accepted))
            payments.append(make_payment(act=act, prepared_by=operator_user))
        client.force_login(operator_user)
        assert_sorts(client, "/en/payments/payments/", "amount", [payments[1].pk, payments[2].pk, payments[0].pk])

    def test_final_reports_sort_by_school_year_and_contract_both_ways(self, client, contract, other_contract, operator_user):
        from payments.models import FinalReport
        from tests.sorting import assert_sorts

        reports = [FinalReport.objects.create(contract=c, school_year=year, created_by=operator_user)
                   for c, year in ((contract, 2025), (other_contract, 2024), (contract, 2023))]
        client.force_login(operator_user)
        assert_sorts(client, "/en/payments/reports/", "year", [reports[2].pk, reports[1].pk, reports[0].pk])
        by_number = sorted(reports, key=lambda r: (r.contract.number, r.pk))
        assert_sorts(client, "/en/payments/reports/", "contract", [r.pk for r in by_number])
