"""Every answer the tests get from the API is checked against the OpenAPI schema.

``CheckedAPIClient`` (what the ``api`` and ``api_as`` fixtures give) validates each response from
``/api/v1/`` against the schema drf-spectacular publishes: its status code is one the operation
documents, and its body matches the schema of that status (errors included). The validator is
schemathesis's (``APIOperation.validate_response``, on jsonschema), the one that also fuzzes the
API in ``tests/test_api_schema.py``: a single reading of the schema for both.

So every API test, on the data it builds, is also a schema-conformance test, and an operation added
to the API is checked as soon as a test calls it. ``checked_answers`` records what was checked
(``tests/test_api_schema.py`` asserts that its real-data walk reaches every operation).
"""

from __future__ import annotations

import functools
import json

import requests
import schemathesis
from rest_framework.test import APIClient

API_PREFIX = "/api/v1/"

checked_answers: set[tuple[str, str, int]] = set()  # (METHOD, path template, status) validated in this process


@functools.cache
def api_schema():
    """The schema ``/api/schema/`` serves, loaded once per test process."""
    from drf_spectacular.renderers import OpenApiJsonRenderer
    from drf_spectacular.settings import spectacular_settings

    spec = spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(spec)))


class SchemaViolation(AssertionError):
    pass


def _as_schemathesis(response) -> schemathesis.Response:
    request = response.wsgi_request
    prepared = requests.Request(method=request.method, url=request.build_absolute_uri(),
                                headers={k: v for k, v in request.headers.items() if k.lower() != "content-length"}).prepare()
    content = b"" if response.streaming else response.content  # a streamed file is not read here (binary anyway)
    return schemathesis.Response(status_code=response.status_code, headers={k: [v] for k, v in response.items()},
                                 content=content, request=prepared, elapsed=0.0, verify=True)


def check_response(response) -> None:
    """Raise ``SchemaViolation`` unless an API response is one its operation documents."""
    request = response.wsgi_request
    if not request.path.startswith(API_PREFIX):
        return
    operation = api_schema().find_operation_by_path(request.method, request.path)
    if operation is None:  # a route the API does not have (404) or a method it refuses (405)
        return
    label = f"{request.method} {request.get_full_path()} → {response.status_code}"
    if operation.responses.find_by_status_code(response.status_code) is None:
        raise SchemaViolation(f"{label}: status not documented for {operation.label}")
    try:
        operation.validate_response(_as_schemathesis(response))
    except Exception as exc:  # schemathesis raises a FailureGroup naming every violation
        raise SchemaViolation(f"{label}: answer against the schema of {operation.label}:\n{exc}") from exc
    checked_answers.add((operation.method.upper(), operation.path, response.status_code))


class CheckedAPIClient(APIClient):
    """An API client whose every answer from ``/api/v1/`` must match the OpenAPI schema."""

    def request(self, **kwargs):
        response = super().request(**kwargs)
        check_response(response)
        return response


def wsgi_in_test_transaction(environ, start_response):
    """The portal's WSGI application, for schemathesis's in-process calls (``from_wsgi``) inside a test's transaction.

    Django ends every request with ``close_old_connections``, which closes a connection whose
    autocommit is off, as it is inside a test's transaction: every later query would then fail with
    "connection already closed" (an InterfaceError, which the portal answers 503). Django's own test
    client leaves that receiver out for each request and puts it back at once; so this does the same,
    for each call, up to the close of its response (where ``request_finished`` fires). Leaving it out
    once for a whole module is not enough: the first test-client request after that puts it back.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from werkzeug.wsgi import ClosingIterator

    from eqazyna.wsgi import application

    def reconnect():
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, start_response)
    except BaseException:
        reconnect()
        raise
    return ClosingIterator(response, [reconnect])
