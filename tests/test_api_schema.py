"""The API answers as its OpenAPI schema says.

* Schemathesis walks the whole schema, as every role, with generated requests: no 5xx, and every
  answer (errors included) matches the schema of its status.
* On a portal with real data in every state (paid, prepared and unapproved payments, overdue months
  without an act, blank e-mails …), every GET endpoint answers every role as its schema says.

* Every answer any API test gets (``api``/``api_as`` fixtures: ``tests.openapi.CheckedAPIClient``)
  is validated against the schema too, so each operation is checked on the data its own tests build,
  its successes and its errors; the tests below show that this check can fail.

All grow by themselves: every endpoint added to the API is in the schema and so in these tests.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.factories import make_school, make_user

CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(scope="module")
def api_schema():
    """The schema, generated once for the module (drf-spectacular takes seconds for the whole API),
    called in-process inside each test's transaction (``tests.openapi.wsgi_in_test_transaction``)."""
    from tests.openapi import wsgi_in_test_transaction

    return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_in_test_transaction)


schema = schemathesis.pytest.from_fixture("api_schema")


def _tokens(users) -> dict[str, str]:
    """An API token (django-rest-knox, ``accounts.services.api_token_issue``) of each user, by role."""
    from accounts.services import api_token_issue

    return {user.role: api_token_issue(user=user)[1] for user in users}


@pytest.fixture
def role_tokens(db):
    from core.models import Region

    astana = Region.objects.get(code="71")
    school = make_school(region=astana, name="Schemathesis school")
    return _tokens([
        make_user("st_department", role="department", region=astana),
        make_user("st_school", role="school", school=school),
        make_user("st_operator", role="operator"),
        make_user("st_monitor", role="monitor"),
    ])


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_endpoint_answers_with_a_server_error_or_against_its_schema(case, role_tokens):
    case.call_and_validate(checks=CHECKS)  # anonymous
    for token in role_tokens.values():
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


# --- every GET endpoint, on real data ---------------------------------------------------------


@pytest.fixture
def portal(tmp_path, school_a, school_b, school_user, other_school_user, department_user, operator_user,
           second_operator_user, monitor_user):
    """A portal with data in most states: what every GET endpoint then shows."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from acts.services import act_build, act_submit
    from contingent.services.imports import contingent_upload
    from payments.services import final_report_prepare, payment_prepare, recoveries_detect
    from tests.acts.conftest import OCTOBER, TODAY
    from tests.acts.factories import make_check_run, make_contract, make_enrolment, make_finding, make_iban
    from tests.acts.helpers import accepted_act
    from tests.contingent.factories import birth_for_grade, iin_for, load_snapshot, nobd_row
    from tests.orders.factories import make_application, make_order
    from tests.payments.helpers import pay
    from tests.schools.factories import make_licence, make_rnu

    for school in (school_a, school_b):
        school.iban = make_iban()
        school.save(update_fields=["iban"])
    contract = make_contract(school=school_a)
    first, _second, third = (make_enrolment(school=school_a, grade=grade) for grade in (1, 6, 10))
    september = accepted_act(contract=contract, month=dt.date(2025, 9, 1), school_user=school_user,
                             department_user=department_user)
    pay(act=september, preparer=operator_user, approver=second_operator_user)  # registry, bank confirmation
    run = make_check_run(check_date=dt.date(2025, 10, 20))
    make_finding(school=school_a, code="P03", enrolment=first, run=run)
    recoveries_detect(run=run)  # an open recovery
    october = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user,
                           reject_enrolments=[first])  # its line is blocked by the finding
    payment_prepare(act=october, actor=operator_user)  # prepared, not approved
    other = make_contract(school=school_b)
    make_enrolment(school=school_b, grade=2)
    act_submit(act=act_build(contract=other, month=OCTOBER, actor=other_school_user, today=TODAY),
               actor=other_school_user, today=TODAY)  # awaiting review
    final_report_prepare(contract=contract, actor=school_user)
    birth = birth_for_grade(5)
    contingent_upload(school=school_a, actor=school_user, upload=SimpleUploadedFile("c.csv", (
        "iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category\n"
        f"{iin_for(birth)},Ким,Ли,,{birth},5,2025-09-01,,regular\n").encode()))  # a pending import
    make_licence(school_a)
    make_rnu(bin=school_b.bin)
    load_snapshot(tmp_path, [nobd_row(third.pupil, school_bin=school_a.bin, grade=10)])
    order = make_order(actor=department_user)
    make_application(order=order, actor=school_user)
    assert school_a.email == ""
    return _tokens([school_user, department_user, operator_user, monitor_user])


def _first_id(get, path: str) -> str:
    """A value for the path's parameter: the first row the list endpoint above it shows the operator."""
    body = get(re.sub(r"\{\w+\}/.*$", "", path)).json()
    rows = body["results"] if isinstance(body, dict) else body
    key = "code" if "{code}" in path else "id"
    return str(rows[0][key]) if rows else "1"


@pytest.mark.slow
@pytest.mark.django_db
def test_every_get_endpoint_answers_every_role_as_its_schema_says(api_schema, portal):
    operator = {"Authorization": f"Token {portal['operator']}"}
    callers = [{}, *({"Authorization": f"Token {token}"} for token in portal.values())]

    def get(path):
        return api_schema[path]["GET"].Case(headers=operator).call()

    # The states that once answered against the schema are there.
    assert any(p["approved_by"] is None for p in get("/api/v1/payments/").json()["results"])
    assert any(item["act"] is None for item in get("/api/v1/acts/overdue/").json()["results"])
    assert get("/api/v1/schools/").json()["results"][0]["email"] == ""
    checked = 0
    for path, item in api_schema.raw_schema["paths"].items():
        if "get" not in item:
            continue
        names = re.findall(r"\{(\w+)\}", path)
        parameters = {names[0]: _first_id(get, path)} if names else {}
        for headers in callers:
            api_schema[path]["GET"].Case(path_parameters=parameters, headers=headers).call_and_validate(checks=CHECKS)
            checked += 1
    assert checked > 250


# --- the check every API test runs ------------------------------------------------------------


@pytest.mark.django_db
class CheckedAPIClientTests:
    def test_a_conforming_answer_passes_and_is_recorded(self, api_as, school_user):
        from tests.openapi import checked_answers

        response = api_as(school_user).get("/api/v1/me/")
        assert response.status_code == 200
        assert ("GET", "/api/v1/me/", 200) in checked_answers

    def test_an_answer_missing_a_required_field_is_a_violation(self, api_as, school_user):
        from tests.openapi import SchemaViolation, check_response

        response = api_as(school_user).get("/api/v1/me/")
        response.content = response.content.replace(b'"role"', b'"rank"')
        with pytest.raises(SchemaViolation, match="GET /api/v1/me/"):
            check_response(response)

    def test_an_undocumented_status_is_a_violation(self, api_as, school_user):
        from tests.openapi import SchemaViolation, check_response

        response = api_as(school_user).get("/api/v1/me/")
        response.status_code = 418
        with pytest.raises(SchemaViolation, match="status not documented"):
            check_response(response)


@pytest.mark.django_db
def test_an_in_process_call_after_a_test_client_request_still_has_the_tests_connection(api_schema, api_as, school_user):
    """Django's test client puts ``close_old_connections`` back after each request; an in-process call
    made after it must not close the test's connection (it once did: 503 "connection already closed"
    in the stateful phase below, which runs after the test-client tests of this module)."""
    api_as(school_user).get("/api/v1/me/")
    token = _tokens([school_user])["school"]
    answers = [api_schema["/api/v1/me/"]["GET"].Case(headers={"Authorization": f"Token {token}"}).call().status_code
               for _ in range(2)]
    assert answers == [200, 200]


# --- the main flows, chained by the links between operations ------------------------------------


@pytest.mark.slow
@pytest.mark.django_db
def test_calls_chained_by_the_links_between_operations_answer_as_the_schema_says(api_schema, portal):
    """Schemathesis's stateful phase: each step may take an id from an earlier answer (a list's rows,
    a created object) into the next call (its detail, its actions), as every working role, on a
    portal with data in most states; no 5xx and every answer as the schema says. Schemathesis infers
    the links from the schema (the resources each operation answers and the parameters others take)."""
    machine = api_schema.as_state_machine()
    # The links it found: a list to its rows' details and actions (acts → accept, partly accept, submit …).
    assert len(machine.bundles) > 50 and "GET /api/v1/acts/ -> 200" in machine.bundles

    for role in ("school", "department", "operator", "monitor"):
        class Flows(machine):
            headers = {"Authorization": f"Token {portal[role]}"}

            def get_call_kwargs(self, case):
                return {"headers": self.headers}

            def validate_response(self, response, case, additional_checks=None, **kwargs):
                case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

        Flows.run(settings=settings(max_examples=5, stateful_step_count=6, deadline=None,
                                    suppress_health_check=list(HealthCheck)))
