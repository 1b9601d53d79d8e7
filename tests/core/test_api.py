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
