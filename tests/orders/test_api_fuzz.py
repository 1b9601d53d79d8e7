"""Schemathesis on the orders endpoints with real rows behind the ids.

``tests/test_api_schema.py`` walks every endpoint against an empty database, where the detail
and action endpoints mostly answer 404. Here every generated request is also sent with its
``{id}`` replaced by a real order, application or contract, as each role, so the random bodies
reach the services: still never a 5xx. Only hypothesis's random generation runs here; the
boundary values of schemathesis's explicit/coverage phase are walked by the shared test.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from tests.factories import make_school, make_user
from tests.orders.factories import make_active_contract, make_application, make_order


@pytest.fixture
def api_schema():
    from tests.openapi import wsgi_in_test_transaction

    return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_in_test_transaction)


schema = schemathesis.pytest.from_fixture("api_schema").include(path_regex=r"^/api/v1/(state-orders|applications|contracts|queue-entries)")


@pytest.fixture
def world(db, region_astana):
    from accounts.services import api_token_issue

    department = make_user("fz_department", role="department", region=region_astana)
    schools = [make_user(f"fz_school_{i}", role="school", school=make_school(region=region_astana, name=f"FZ {i}")) for i in range(3)]
    order = make_order(actor=department)
    draft = make_order(actor=department, publish=False)
    contract = make_active_contract(order=order, school_actor=schools[0], department_actor=department)
    pending = make_application(order=order, actor=schools[1])
    make_application(order=order, actor=schools[2])
    users = [department, schools[0], schools[1], make_user("fz_operator", role="operator")]  # the parties first
    return {
        "ids": {"state-orders": [order.pk, draft.pk], "applications": [pending.pk, contract.application_id],
                "contracts": [contract.pk]},
        "tokens": [api_token_issue(user=user)[1] for user in users],
    }


@pytest.mark.django_db
@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), phases=[Phase.generate])
def test_order_endpoints_with_real_ids_never_answer_with_a_server_error(case, world):
    resource = case.path.split("/")[3]
    ids = world["ids"].get(resource, [])
    case.call_and_validate(checks=[not_a_server_error])  # anonymous, with the generated id
    for token in world["tokens"]:
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])
    for pk in ids if "{id}" in case.path else []:  # the same request on real rows, as the parties
        case.path_parameters = {**(case.path_parameters or {}), "id": str(pk)}
        for token in world["tokens"][:3]:
            case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])
