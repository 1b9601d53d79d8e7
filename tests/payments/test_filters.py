"""Payments, recoveries and final reports are found by what people read: payment reference, registry
number, act number, contract number, BIN or school name, pupil's IIN — in the API and on the pages."""

import datetime as dt

import pytest

from payments.filters import PaymentFilterSet
from payments.models import Payment
from payments.services import payment_prepare, recoveries_detect
from tests.acts.conftest import OCTOBER
from tests.acts.factories import make_check_run, make_enrolment, make_finding
from tests.acts.helpers import accepted_act
from tests.payments.helpers import pay

SEPTEMBER = dt.date(2025, 9, 1)


@pytest.fixture
def payments(contract, other_contract, school_a, school_b, school_user, other_school_user, department_user,
             other_department_user, operator_user, second_operator_user):
    """A paid September act of school A (in a registry), and a prepared October act of school B."""
    make_enrolment(school=school_a, grade=2)
    make_enrolment(school=school_b, grade=7)
    september = accepted_act(contract=contract, month=SEPTEMBER, school_user=school_user, department_user=department_user)
    paid = pay(act=september, preparer=operator_user, approver=second_operator_user)
    october = accepted_act(contract=other_contract, month=OCTOBER, school_user=other_school_user,
                           department_user=other_department_user)
    prepared = payment_prepare(act=october, actor=operator_user)
    return paid, prepared


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
class PaymentFilterTests:
    def test_payments_are_found_by_reference_registry_act_contract_and_school(self, api_as, monitor_user, payments,
                                                                             school_a):
        paid, prepared = payments
        client = api_as(monitor_user)
        for params in ({"reference": paid.reference}, {"reference": paid.reference.lower()}, {"reference": paid.pk},
                       {"registry": paid.registry.number}, {"registry": paid.registry_id}, {"act": paid.act.number},
                       {"act": paid.act_id}, {"contract": paid.act.contract.number}, {"school": school_a.bin},
                       {"school": "ктеп а"}, {"region": "71"}):
            assert ids(client.get("/api/v1/payments/", params)) == [paid.pk], params
        assert ids(client.get("/api/v1/payments/", {"act": prepared.act.number})) == [prepared.pk]

    def test_a_reference_or_registry_that_cannot_be_one_is_a_400(self, api_as, monitor_user):
        for params in ({"reference": "PAY-1"}, {"registry": "X12"}, {"act": "no-month"}):
            response = api_as(monitor_user).get("/api/v1/payments/", params)
            assert response.status_code == 400 and list(response.json()["error"]["fields"]) == list(params), params

    def test_the_reference_and_registry_number_read_back_name_the_same_payment(self, payments):
        paid, _prepared = payments
        for params in ({"reference": paid.reference}, {"registry": paid.registry.number}):
            assert list(PaymentFilterSet(params, queryset=Payment.objects.all()).qs) == [paid]

    def test_recoveries_are_found_by_contract_number_school_and_iin(self, api_as, operator_user, payments, school_a):
        paid, _prepared = payments
        line = paid.act.lines.get()
        run = make_check_run(check_date=dt.date(2025, 10, 20))
        make_finding(school=school_a, code="P03", enrolment=line.enrolment, run=run)
        assert recoveries_detect(run=run) == 1
        client = api_as(operator_user)
        for params in ({"contract": paid.act.contract.number}, {"school": school_a.bin}, {"iin": line.iin}):
            assert len(ids(client.get("/api/v1/recoveries/", params))) == 1, params
        assert ids(client.get("/api/v1/recoveries/", {"iin": "0" * 12})) == []

    def test_final_reports_are_found_by_contract_number_and_school(self, api_as, school_user, contract, school_a):
        created = api_as(school_user).post("/api/v1/final-reports/", {"contract": contract.pk}, format="json").json()
        for params in ({"contract": contract.number}, {"school": school_a.bin}):
            assert ids(api_as(school_user).get("/api/v1/final-reports/", params)) == [created["id"]]

    def test_the_payments_page_takes_the_same_identifiers(self, client, operator_user, payments):
        paid, prepared = payments
        client.force_login(operator_user)
        for query in (f"reference={paid.reference}", f"registry={paid.registry.number}", f"act={paid.act.number}"):
            page = client.get(f"/en/payments/payments/?{query}").content.decode()
            assert paid.reference in page and prepared.reference not in page, query
