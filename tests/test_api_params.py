"""Every endpoint knows its query parameters: each one the schema documents is accepted, any other
is a 400 that names it (``core.api.params``).

The routes come from the OpenAPI schema, so a new endpoint is in this test the day it is added.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.routers import APIRootView

from core.api.params import StrictQueryParamsMixin

UNKNOWN = "zz_no_such_parameter"
PATH_VALUES = {"code": "71"}  # a path parameter's value (a row id otherwise)


@pytest.fixture(scope="module")
def operations(django_db_setup, django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            url = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "1"), path)
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            found.append((method.upper(), url, query))
    return found


def _call(client, method, url, params):
    if method == "GET":
        return client.get(url, params)
    query = "&".join(f"{name}=1" for name in params)
    return client.generic(method, f"{url}?{query}", data=b"{}", content_type="application/json")


@pytest.mark.django_db
class QueryParameterTests:
    def test_an_unknown_query_parameter_is_a_400_naming_it_on_every_endpoint(self, operations, api_as,
                                                                             operator_user):
        client = api_as(operator_user)
        wrong = []
        for method, url, _query in operations:
            response = _call(client, method, url, {UNKNOWN: "1"})
            error = response.json().get("error", {}) if response["Content-Type"].startswith("application/json") else {}
            answer = (response.status_code, error.get("code"), list(error.get("fields", {})))
            # A write the operator may not make is refused for that first (403), before its parameters are read.
            if answer != (400, "unknown_parameter", [UNKNOWN]) and not (method != "GET" and answer[0] == 403):
                wrong.append((method, url, response.status_code, error))
        assert not wrong
        assert len({url for _m, url, _q in operations}) > 40

    def test_every_documented_query_parameter_is_accepted(self, operations, api_as, operator_user):
        client = api_as(operator_user)
        refused = []
        for method, url, query in operations:
            for name in query:
                response = _call(client, method, url, {name: "1"})
                if response.status_code == 400 and response.json()["error"]["code"] == "unknown_parameter":
                    refused.append((method, url, name))
        assert not refused

    def test_the_error_lists_the_parameters_the_endpoint_knows(self, api_as, operator_user):
        response = api_as(operator_user).get("/api/v1/acts/", {"shcool": "x", "status": "draft"})
        error = response.json()["error"]
        assert response.status_code == 400
        assert "shcool" in error["message"] and error["fields"] == {"shcool": [error["fields"]["shcool"][0]]}
        assert error["details"]["unknown"] == ["shcool"]
        assert {"school", "status", "page", "page_size", "ordering", "format"} <= set(error["details"]["known"])

    def test_a_detail_knows_no_list_parameter(self, api_as, operator_user):
        client = api_as(operator_user)
        assert client.get("/api/v1/acts/", {"page": "1", "format": "json"}).status_code == 200
        response = client.get("/api/v1/acts/1/", {"page": "1"})
        assert response.status_code == 400 and response.json()["error"]["details"]["unknown"] == ["page"]

    def test_every_api_view_checks_its_query_parameters(self):
        def views(resolver, prefix=""):
            for pattern in resolver.url_patterns:
                route = prefix + str(pattern.pattern)
                if isinstance(pattern, URLResolver):
                    yield from views(pattern, route)
                elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
                    yield route, pattern.callback.cls

        api_views = [(route, cls) for route, cls in views(get_resolver()) if route.startswith("api/v1/")]
        assert api_views
        lax = [route for route, cls in api_views
               if not issubclass(cls, (StrictQueryParamsMixin, APIRootView))]
        assert not lax
