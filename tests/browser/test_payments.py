"""The money path in a real browser: a school builds and submits an act, the department partly
accepts it, two operators pay it, the bank's confirmation closes it, the final report adds up."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from acts.models import Act
from payments.models import Payment
from tests.acts.factories import make_contract, make_enrolment, make_finding, make_iban
from tests.browser.conftest import inspect_sample, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_user(page, live_server, username):
    # A response still in flight would set the previous user's session cookie again (the session is
    # saved on every request for the idle timeout): let the page settle before dropping the cookies.
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    login(page, live_server, username)


def amount(text: str) -> Decimal:
    """An amount as the English pages show it (1,234,567.50)."""
    return Decimal(text.replace(",", ""))


class MoneyPathBrowserTests:
    def test_an_act_goes_from_the_contingent_to_the_bank_and_the_final_report_adds_up(
            self, page, live_server, screenshot, school_a, school_user, department_user, operator_user,
            second_operator_user, tmp_path):
        school_a.iban = make_iban()
        school_a.save()
        contract = make_contract(school=school_a)
        enrolments = [make_enrolment(school=school_a, grade=g) for g in (1, 4, 7, 10)]
        make_enrolment(school=school_a, grade=5, category="sen", enrolled_on=dt.date(2025, 10, 13))
        make_finding(school=school_a, code="P03", enrolment=enrolments[1])  # not payable

        # The school builds the October act from its contingent and submits it.
        login(page, live_server, school_user.username, lang="en")
        page.goto(f"{live_server.url}/en/acts/")
        page.select_option("#id_contract", str(contract.pk))
        page.fill("#id_month", "2025-10")
        page.click("[data-testid=build-form] button[type=submit]")
        page.wait_for_selector("[data-testid=act-submit]")
        assert page.locator("[data-testid=lines] tbody tr").count() == 5
        assert page.locator("[data-testid=blocked-count]").inner_text() == "1"
        screenshot("1-school-built")
        page.click("[data-testid=act-submit]")  # one line is not payable: a dialog says so before submitting
        dialog = page.locator("[data-testid=act-submit-dialog]")
        dialog.locator("text=1 line has an open error finding").wait_for()
        screenshot("1-school-submit-dialog")
        with page.expect_navigation():
            page.click("[data-testid=act-submit-confirm]")
        assert page.locator("[data-testid=act-status]").inner_text() == "Submitted"
        act = Act.objects.get()

        # The department decides the lines (accepts the clean ones, rejects the one with an open error) and
        # inspects the sampled lines.
        switch_user(page, live_server, department_user.username)
        page.goto(f"{live_server.url}/en/acts/{act.pk}/")
        page.check("[data-testid=decide-form] input[value=accepted]")
        page.select_option("#id_selection", "pending_payable")
        page.click("[data-testid=decide-apply]")
        page.check("[data-testid=decide-form] input[value=rejected]")
        page.check(f"#line-{act.lines.get(enrolment=enrolments[1]).pk}")
        page.select_option("#id_reason", "check_error")
        page.click("[data-testid=decide-apply]")
        inspect_sample(page)
        screenshot("2-department-decided")
        page.click("[data-testid=act-partly-accept]")  # a dialog with the accepted and rejected lines and amounts
        with page.expect_navigation():
            page.click("[data-testid=act-partly-accept-confirm]")
        assert page.locator("[data-testid=act-status]").inner_text() == "Partly accepted"
        act.refresh_from_db()
        accepted_lines = sum(line.amount for line in act.lines.filter(decision="accepted"))
        assert act.accepted_amount == accepted_lines
        assert amount(page.locator("[data-testid=act-accepted]").inner_text()) == accepted_lines

        # One operator prepares the payment; the same one may not approve it; a second one does.
        switch_user(page, live_server, operator_user.username)
        page.goto(f"{live_server.url}/en/payments/payments/")
        page.click(f"[data-testid=prepare-{act.pk}]")  # a dialog says the amounts and the payee first
        dialog = page.locator(f"[data-testid=prepare-{act.pk}-dialog]")
        dialog.wait_for(state="visible")
        assert "IBAN" in dialog.inner_text()
        screenshot("3-operator-prepare-dialog")
        page.click(f"[data-testid=prepare-{act.pk}-confirm]")
        page.wait_for_selector("[data-testid=calculation]")
        assert page.locator("[data-testid=payment-approve]").count() == 0
        assert amount(page.locator("[data-testid=payment-amount]").inner_text()) == accepted_lines
        screenshot("3-operator-prepared")
        payment = Payment.objects.get()
        switch_user(page, live_server, second_operator_user.username)
        page.goto(f"{live_server.url}/en/payments/payments/{payment.pk}/")
        page.click("[data-testid=payment-approve]")
        assert page.locator("[data-testid=payment-status]").inner_text() == "Approved"

        # The registry goes to the bank; the bank's confirmation is checked, previewed and applied.
        switch_user(page, live_server, operator_user.username)
        page.goto(f"{live_server.url}/en/payments/bank/")
        page.click("[data-testid=registry-create]")
        with page.expect_navigation():
            page.click("[data-testid=registry-create-confirm]")
        registry_id = Payment.objects.get().registry_id
        with page.expect_download() as download:
            page.click(f"[data-testid=registry-csv-{registry_id}]")
        rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
        assert [(r["payment_reference"], r["bin"], r["iban"], Decimal(r["amount"]), r["contract_number"], r["month"])
                for r in rows] == [(payment.reference, school_a.bin, school_a.iban, accepted_lines, contract.number, "2025-10")]
        confirmation = tmp_path / "bank-confirmation.csv"
        confirmation.write_text(
            "payment_reference,status,amount,bank_reference,date,message\n"
            f"{rows[0]['payment_reference']},paid,{rows[0]['amount']},HALYK-4471,{dt.date.today()},\n",
            encoding="utf-8",
        )
        page.set_input_files("[data-testid=confirmation-form] input[type=file]", str(confirmation))
        page.click("[data-testid=confirmation-check]")
        page.wait_for_selector("[data-testid=confirmation-preview]")
        screenshot("4-bank-preview")
        page.click("[data-testid=confirmation-apply]")
        with page.expect_navigation():
            page.click("[data-testid=confirmation-apply-confirm]")
        assert page.locator("[data-testid=confirmation-status]").inner_text() == "Applied"
        payment.refresh_from_db()
        act.refresh_from_db()
        assert (payment.status, act.status) == ("paid", "paid")

        # The final report: what was accepted is what was paid and transferred, to the tiyn.
        switch_user(page, live_server, school_user.username)
        page.goto(f"{live_server.url}/en/payments/reports/")
        page.select_option("[data-testid=report-prepare-form] select", str(contract.pk))
        page.click("[data-testid=report-prepare-form] button")
        page.wait_for_selector("[data-testid=report-table]")
        accepted = amount(page.locator("[data-testid=total-accepted]").inner_text())
        paid = amount(page.locator("[data-testid=total-paid]").inner_text())
        transferred = amount(page.locator("[data-testid=transferred]").inner_text())
        assert accepted == paid == transferred == accepted_lines == payment.amount
        assert page.locator("[data-testid=balanced]").inner_text() == "yes"
        switch_user(page, live_server, department_user.username)
        page.goto(f"{live_server.url}/en/payments/reports/{contract.final_reports.get().pk}/")
        page.click("[data-testid=report-approve]")
        assert page.locator("[data-testid=report-status]").inner_text() == "Approved"
        screenshot("5-final-report-approved")
        page.goto(f"{live_server.url}/kk/acts/{act.pk}/")
        assert page.locator("[data-testid=act-status]").inner_text() == "Төленді"
        screenshot("6-act-paid-kk")
