import pytest
from django.test import override_settings


@pytest.mark.django_db
class HealthTests:
    def test_health_is_200_when_database_and_redis_answer(self, client):
        response = client.get("/health/")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}

    def test_health_is_503_naming_redis_when_the_broker_does_not_answer(self, client, tmp_path):
        with override_settings(CELERY_BROKER_URL=f"redis+socket://{tmp_path}/nothing.sock"):
            response = client.get("/health/")
        assert response.status_code == 503
        assert response.json()["failed"] == ["redis"]
        assert response.json()["checks"]["database"] == "ok"

    def test_health_is_503_naming_the_database_when_it_does_not_answer(self, client, monkeypatch):
        from django.db import connection

        def broken_cursor(*args, **kwargs):
            raise connection.Database.OperationalError("connection refused")

        monkeypatch.setattr(connection, "cursor", broken_cursor)
        response = client.get("/health/")
        assert response.status_code == 503
        assert response.json()["failed"] == ["database"]

    def test_health_is_not_language_prefixed_and_refuses_post(self, client):
        assert client.post("/health/").status_code == 405
