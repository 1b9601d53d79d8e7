"""One size limit for every upload point, web and API (defect 1 of issue 11: the API had no cap)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from core.uploads import ENVELOPE_BYTES

LIMIT = 64 * 1024
HEADER = b"iin,last_name,first_name,middle_name,birth_date,grade,enrolled_on,left_on,category\n"


def csv_of(size: int, name: str = "big.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, HEADER + b"#" * (size - len(HEADER)), content_type="text/csv")


@pytest.fixture
def limit(settings):
    settings.UPLOAD_MAX_BYTES = LIMIT
    return LIMIT


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
class UploadLimitTests:
    @pytest.fixture
    def points(self, school_user, operator_user):
        """Every upload point: (client, path, extra form fields)."""
        return {
            "api contingent": (api(school_user), "/api/v1/contingent-imports/", {}),
            "api bank confirmation": (api(operator_user), "/api/v1/bank-confirmations/", {}),
            "web contingent": (web(school_user), "/en/contingent/upload/", {}),
            "web register": (web(operator_user), "/en/schools/registers/", {"kind": "rnu"}),
            "web bank confirmation": (web(operator_user), "/en/payments/bank/confirmations/upload/", {}),
        }

    def test_a_body_above_the_limit_is_refused_with_413_before_it_is_read_at_every_point(self, limit, points):
        for name, (client, path, fields) in points.items():
            response = client.post(path, {**fields, "file": csv_of(limit + ENVELOPE_BYTES + 1024)}, HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 413, name
            assert "larger than" in response.content.decode(), name
            if path.startswith("/api/"):
                assert response.json()["error"]["code"] == "too_large", name

    def test_a_file_above_the_limit_within_the_envelope_is_refused_by_the_field_check(self, limit, points):
        for name, (client, path, fields) in points.items():
            response = client.post(path, {**fields, "file": csv_of(limit + 1)}, HTTP_ACCEPT_LANGUAGE="en")
            if path.startswith("/api/"):
                assert response.status_code == 400, name
                assert "larger than" in response.json()["error"]["fields"]["file"][0], name
            else:
                assert response.status_code in (200, 302), name
                if response.status_code == 302:
                    response = client.get(response["Location"])
                assert "larger than" in response.content.decode(), name

    def test_the_message_is_translated(self, limit, school_user):
        with translation.override("ru"):
            response = web(school_user).post("/ru/contingent/upload/", {"file": csv_of(limit + 1)})
        assert "больше" in response.content.decode()

    def test_an_api_upload_of_the_limit_is_accepted_for_checking(self, limit, school_user):
        response = api(school_user).post("/api/v1/contingent-imports/", {"file": csv_of(limit)})
        assert response.status_code in (201, 202)
