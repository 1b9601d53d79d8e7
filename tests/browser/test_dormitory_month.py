"""A dormitory operator's month in a real browser: the residents' list is uploaded like a contingent, the
October act is built from it (a place per resident, prorated by days), the department accepts it after
inspection, two operators pay it and the bank's confirmation closes it."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from acts.models import Act
from contingent.models import Enrolment
from payments.models import Payment
from payments.services import confirmation_apply, confirmation_upload, registry_create
from tests.acts.factories import make_iban
from tests.browser.conftest import inspect_sample, login
from tests.browser.test_payments import amount, switch_user
from tests.factories import make_school, make_user
from tests.payments.helpers import confirmation_csv
from tests.programmes.factories import beneficiaries_csv, make_programme_contract, person, programme_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class _Upload(io.BytesIO):
    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.name = name


class DormitoryMonthBrowserTests:
    def test_a_dormitory_operator_goes_from_the_residents_list_to_a_paid_act(
            self, page, live_server, screenshot, region_astana, department_user, operator_user, second_operator_user,
            tmp_path):
        dormitory = make_school(region=region_astana, name="«Жастар үйі» жатақханасы", kind="dormitory", oked="55.90",
                                iban=make_iban())
        operator_of_dormitory = make_user("dormitory_a", role="school", school=dormitory)
        contract = make_programme_contract(programme=programme_of("dormitory_place"), school=dormitory,
                                           places={"place": 3})
        contract.levels.update(monthly_norm=Decimal("45000.00"))
        whole, late = person(1), person(2, enrolled_on=dt.date(2025, 10, 16))
        path = tmp_path / "residents.csv"
        path.write_bytes(beneficiaries_csv("resident", [whole, late]))

        # The dormitory uploads its residents (no grade, no category: the dormitory instrument's columns).
        login(page, live_server, operator_of_dormitory.username, lang="en")
        page.goto(f"{live_server.url}/en/contingent/upload/")
        assert "iin,last_name,first_name,middle_name,birth_date,enrolled_on,left_on" in page.content()
        page.set_input_files("input[type=file]", str(path))
        page.click("[data-testid=upload-form] button[type=submit]")
        page.wait_for_selector("[data-testid=upload-summary]")
        assert "new enrolments: 2" in page.locator("[data-testid=upload-summary]").inner_text()
        screenshot("1-residents-preview")
        page.click("text=Save the contingent")
        page.wait_for_selector("[data-testid=contingent-table]")
        assert set(Enrolment.objects.filter(school=dormitory).values_list("kind", flat=True)) == {"resident"}

        # It builds the October act: one place per resident, the late arrival prorated by days.
        page.goto(f"{live_server.url}/en/acts/")
        page.select_option("#id_contract", str(contract.pk))
        page.fill("#id_month", "2025-10")
        page.click("[data-testid=build-form] button[type=submit]")
        page.wait_for_selector("[data-testid=act-submit]")
        assert page.locator("[data-testid=lines] tbody tr").count() == 2
        act = Act.objects.get()
        assert sorted(act.lines.values_list("amount", flat=True)) == [Decimal("23225.81"), Decimal("45000.00")]
        screenshot("2-act-built")
        page.click("[data-testid=act-submit]")
        assert page.locator("[data-testid=act-status]").inner_text() == "Submitted"

        # The department inspects every line and accepts the act.
        switch_user(page, live_server, department_user.username)
        page.goto(f"{live_server.url}/en/acts/{act.pk}/")
        page.check("[data-testid=decide-form] input[value=accepted]")
        page.select_option("#id_selection", "pending_payable")
        page.click("[data-testid=decide-apply]")
        inspect_sample(page)  # acceptance after inspection of the sampled lines
        page.click("[data-testid=act-accept]")
        assert page.locator("[data-testid=act-status]").inner_text() == "Accepted"
        assert amount(page.locator("[data-testid=act-accepted]").inner_text()) == Decimal("68225.81")
        screenshot("3-accepted")

        # Two operators pay it: one prepares, another approves.
        switch_user(page, live_server, operator_user.username)
        page.goto(f"{live_server.url}/en/payments/payments/")
        page.click(f"[data-testid=prepare-{act.pk}]")
        page.click(f"[data-testid=prepare-{act.pk}-confirm]")  # the dialog's confirm button
        page.wait_for_selector("[data-testid=calculation]")
        assert amount(page.locator("[data-testid=payment-amount]").inner_text()) == Decimal("68225.81")
        payment = Payment.objects.get()
        switch_user(page, live_server, second_operator_user.username)
        page.goto(f"{live_server.url}/en/payments/payments/{payment.pk}/")
        page.click("[data-testid=payment-approve]")
        assert page.locator("[data-testid=payment-status]").inner_text() == "Approved"

        # The bank confirms the transfer (the registry round trip is the money-path test's); the act is paid.
        registry_create(actor=operator_user)
        payment.refresh_from_db()
        upload = _Upload(confirmation_csv([(payment, "paid", "HALYK-9001", dt.date.today(), "")]), "bank.csv")
        confirmation, _rows = confirmation_upload(file=upload, actor=operator_user)
        confirmation_apply(confirmation=confirmation, actor=second_operator_user)
        switch_user(page, live_server, operator_of_dormitory.username)
        page.goto(f"{live_server.url}/en/acts/{act.pk}/")
        assert page.locator("[data-testid=act-status]").inner_text() == "Paid"
        screenshot("4-paid")
