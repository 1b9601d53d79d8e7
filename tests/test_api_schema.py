"""Schemathesis walks the whole OpenAPI schema, as every role, and finds no 5xx.

It grows by itself: every endpoint added to the API is in the schema and so in this test.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.factories import make_school, make_user


@pytest.fixture
def api_schema():
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from eqazyna.wsgi import application

    # The app runs in-process inside the test's transaction: keep Django from closing the
    # connection at the end of each request (Django's own test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def role_tokens(db):
    from accounts.services import api_token_issue
    from core.models import Region

    astana = Region.objects.get(code="71")
    school = make_school(region=astana, name="Schemathesis school")
    users = [
        make_user("st_department", role="department", region=astana),
        make_user("st_school", role="school", school=school),
        make_user("st_operator", role="operator"),
        make_user("st_monitor", role="monitor"),
    ]
    return {user.role: api_token_issue(user=user)[1] for user in users}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_endpoint_answers_with_a_server_error(case, role_tokens):
    case.call_and_validate(checks=[not_a_server_error])  # anonymous
    for token in role_tokens.values():
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])
