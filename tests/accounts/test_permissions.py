"""The API asks the one permission decision (``accounts.permissions.PortalPermission``)."""

import pytest


@pytest.mark.django_db
class PortalPermissionTests:
    def test_options_describes_an_endpoint_to_a_role_that_may_not_write_it(self, api_as, monitor_user, school_user):
        # DRF answers OPTIONS by asking the permission of each method; a refusal must not be a 500.
        for user in (monitor_user, school_user):
            for url in ("/api/v1/payments/", "/api/v1/findings/1/waive/", "/api/v1/acts/1/submit/"):
                assert api_as(user).options(url).status_code == 200, url

    def test_a_refused_write_keeps_the_decisions_code_and_translated_message(self, api_as, monitor_user, school_user):
        response = api_as(monitor_user).post("/api/v1/check-runs/start/", {}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 403
        assert response.json()["error"] == {"code": "read_only", "message": "Наблюдатель читает всё и ничего не изменяет."}
        response = api_as(school_user).post("/api/v1/check-runs/start/", {}, format="json", HTTP_ACCEPT_LANGUAGE="kk")
        assert response.json()["error"] == {"code": "role", "message": "Сіздің рөліңізге мұны істеуге болмайды."}
