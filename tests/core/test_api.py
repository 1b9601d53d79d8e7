import pytest


@pytest.mark.django_db
class ApiPlatformTests:
    def test_openapi_schema_and_docs_are_served(self, client):
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert schema.status_code == 200
        assert schema.json()["openapi"].startswith("3.")
        assert "/api/v1/regions/" in schema.json()["paths"]
        docs = client.get("/api/docs/")
        assert docs.status_code == 200
        assert "swagger-ui" in docs.content.decode()
        assert "cdn.jsdelivr" not in docs.content.decode()

    def test_anonymous_call_to_a_private_endpoint_is_401_in_the_error_format(self, api):
        response = api.get("/api/v1/me/")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        assert set(response.json()["error"]) >= {"code", "message"}

    def test_token_authentication_works(self, api, operator_user):
        token = api.post("/api/v1/auth/token/", {"username": "operator1", "password": "pass-12345"}).json()["token"]
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api.get("/api/v1/me/").json()["role"] == "operator"

    def test_wrong_password_for_a_token_is_refused_in_the_error_format(self, api, operator_user):
        response = api.post("/api/v1/auth/token/", {"username": "operator1", "password": "bad"})
        assert response.status_code in (401, 403)
        assert response.json()["error"]["code"] == "authentication_failed"

    def test_validation_errors_name_their_fields(self, api):
        response = api.post("/api/v1/auth/token/", {"username": ""}, format="json")
        assert response.status_code == 400
        body = response.json()["error"]
        assert body["code"] == "invalid"
        assert set(body["fields"]) == {"username", "password"}

    def test_api_messages_follow_accept_language(self, api):
        response = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="ru")
        assert "Учетные данные не были предоставлены" in response.json()["error"]["message"]

    def test_domain_errors_map_to_400_and_conflicts_to_409(self):
        from rest_framework.test import APIRequestFactory

        from core.api.errors import exception_handler
        from core.errors import ConflictError, DomainError

        context = {"request": APIRequestFactory().get("/")}
        bad = exception_handler(DomainError("too many places", code="places", field="places"), context)
        assert bad.status_code == 400
        assert bad.data == {"error": {"code": "places", "message": "too many places", "fields": {"places": ["too many places"]}}}
        conflict = exception_handler(ConflictError("already paid"), context)
        assert conflict.status_code == 409
        assert conflict.data["error"]["code"] == "conflict"

    def test_nested_field_errors_are_named_by_their_path_with_a_list_of_messages(self, api_as, operator_user):
        response = api_as(operator_user).post("/api/v1/payment-registries/", {"payments": [1, "x", 0]}, format="json")
        assert response.status_code == 400
        fields = response.json()["error"]["fields"]
        assert set(fields) == {"payments.1", "payments.2"}
        assert all(isinstance(messages, list) and all(isinstance(m, str) for m in messages) for messages in fields.values())

    def test_an_unknown_ordering_term_is_a_400_naming_it(self, api_as, operator_user):
        client = api_as(operator_user)
        assert client.get("/api/v1/schools/", {"ordering": "-bin,name_ru"}).status_code == 200
        response = client.get("/api/v1/schools/", {"ordering": "bin,password"})
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["ordering"] and "password" in response.json()["error"]["fields"]["ordering"][0]

    def test_ordered_pages_never_overlap_when_the_ordered_values_tie(self, api_as, operator_user, region_astana):
        from tests.factories import make_school

        for index in range(5):
            make_school(region=region_astana, name=f"Same {index}")
        client = api_as(operator_user)
        seen = [row["id"] for page in (1, 2, 3)
                for row in client.get("/api/v1/schools/", {"ordering": "region", "page_size": 2, "page": page}).json()["results"]]
        assert sorted(seen) == sorted(set(seen)) and len(seen) == 5

    def test_list_endpoints_are_paginated(self, api_as, operator_user):
        from rest_framework.settings import api_settings

        assert api_settings.DEFAULT_PAGINATION_CLASS.__name__ == "PortalPagination"


@pytest.mark.django_db
class PrivateUploadsTests:
    def test_uploaded_files_are_never_served_by_url_even_in_debug(self, client, settings, tmp_path):
        import importlib

        from django.urls import clear_url_caches

        import eqazyna.urls

        settings.MEDIA_ROOT = tmp_path
        settings.DEBUG = True
        (tmp_path / "secret.csv").write_text("iin\n150314501236\n")
        try:
            importlib.reload(eqazyna.urls)  # the URL patterns as a DEBUG server builds them
            clear_url_caches()
            assert client.get(f"{settings.MEDIA_URL}secret.csv").status_code == 404  # MEDIA_URL is "/media/"
        finally:
            settings.DEBUG = False
            importlib.reload(eqazyna.urls)
            clear_url_caches()
