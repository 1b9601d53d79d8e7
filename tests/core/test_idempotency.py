"""``Idempotency-Key`` on the API's writes (issue 11, deliverable 4): a replay answers the first
response and writes nothing, the same key with another body is a 422, a duplicate in flight is a 409."""

import datetime as dt
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from drf_idempotency.core import get_backend
from drf_idempotency.models import IdempotencyRecord
from rest_framework.test import APIClient

from core.idempotency import request_fingerprint
from core.models import AuditEvent
from payments.models import BankConfirmation, Payment
from payments.services import payment_approve, payment_prepare, registry_create
from tests.acts.conftest import OCTOBER, contract  # noqa: F401
from tests.acts.factories import make_enrolment
from tests.acts.helpers import accepted_act
from tests.payments.helpers import confirmation_csv

PASSWORD = "pass-12345"  # tests/factories.make_user


@pytest.fixture
def act(contract, school_a, school_user, department_user):  # noqa: F811
    make_enrolment(school=school_a)
    return accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)


def written() -> tuple[int, int]:
    return Payment.objects.count(), AuditEvent.objects.count()


@pytest.mark.django_db
class ReplayTests:
    def test_a_replay_answers_the_first_response_and_writes_nothing(self, api_as, act, operator_user):
        client = api_as(operator_user)
        first = client.post("/api/v1/payments/", {"act": act.pk}, format="json", HTTP_IDEMPOTENCY_KEY="prepare-1")
        assert first.status_code == 201 and first["Idempotent-Replayed"] == "false"
        before = written()
        again = client.post("/api/v1/payments/", {"act": act.pk}, format="json", HTTP_IDEMPOTENCY_KEY="prepare-1")
        assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
        assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
        assert written() == before and Payment.objects.filter(act=act).count() == 1

    def test_without_the_header_the_second_request_runs_and_is_refused_by_the_rules(self, api_as, act, operator_user):
        client = api_as(operator_user)
        assert client.post("/api/v1/payments/", {"act": act.pk}, format="json").status_code == 201
        assert client.post("/api/v1/payments/", {"act": act.pk}, format="json").status_code in (400, 409)

    def test_the_same_json_in_another_key_order_is_the_same_request(self, api_as, operator_user, act):
        client = api_as(operator_user)
        payment = payment_prepare(act=act, actor=operator_user)
        path = f"/api/v1/payments/{payment.pk}/cancel/"
        first = client.post(path, '{"reason": "typo", "x": 1}', content_type="application/json", HTTP_IDEMPOTENCY_KEY="c1")
        again = client.post(path, '{ "x": 1, "reason": "typo" }', content_type="application/json", HTTP_IDEMPOTENCY_KEY="c1")
        assert first.status_code == 200 and again["Idempotent-Replayed"] == "true" and again.content == first.content

    def test_a_refused_request_is_replayed_as_refused(self, api_as, operator_user, act):
        payment = payment_prepare(act=act, actor=operator_user)
        client = api_as(operator_user)  # four eyes: the preparer may not approve
        first = client.post(f"/api/v1/payments/{payment.pk}/approve/", HTTP_IDEMPOTENCY_KEY="a1")
        again = client.post(f"/api/v1/payments/{payment.pk}/approve/", HTTP_IDEMPOTENCY_KEY="a1")
        assert first.status_code == again.status_code == 403 and again["Idempotent-Replayed"] == "true"

    def test_an_uploaded_file_sent_again_is_replayed_and_the_view_still_reads_the_file(self, api_as, operator_user, act,
                                                                                      second_operator_user):
        payment = payment_prepare(act=act, actor=operator_user)
        payment_approve(payment=payment, actor=second_operator_user)
        registry_create(actor=operator_user)
        payment.refresh_from_db()
        content = confirmation_csv([(payment, "paid", "B-1", dt.date(2025, 11, 21), "")])
        client = api_as(operator_user)

        def upload():
            return client.post("/api/v1/bank-confirmations/", {"file": SimpleUploadedFile("bank.csv", content)},
                               format="multipart", HTTP_IDEMPOTENCY_KEY="bank-1")

        first = upload()
        assert first.status_code == 201, first.content
        assert first.json()["rows"][0]["payment_reference"] == payment.reference
        again = upload()  # a new multipart boundary, the same file
        assert again["Idempotent-Replayed"] == "true" and again.content == first.content
        assert BankConfirmation.objects.count() == 1

    def test_a_token_client_is_recognised_and_its_replay_answered(self, api, act, operator_user):
        token = api.post("/api/v1/auth/token/", {"username": operator_user.username, "password": PASSWORD},
                         HTTP_IDEMPOTENCY_KEY="sign-in").json()["token"]
        assert not IdempotencyRecord.objects.exists()  # a sign-in (its answer holds a secret) is never stored
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_IDEMPOTENCY_KEY="t1")
        first = client.post("/api/v1/payments/", {"act": act.pk}, format="json")
        again = client.post("/api/v1/payments/", {"act": act.pk}, format="json")
        assert first.status_code == 201 and again["Idempotent-Replayed"] == "true"
        assert IdempotencyRecord.objects.get().key == f"{operator_user.pk}:t1"


@pytest.mark.django_db
class RefusalTests:
    def test_the_same_key_with_another_body_is_a_422_and_writes_nothing(self, api_as, act, operator_user):
        client = api_as(operator_user)
        payment = payment_prepare(act=act, actor=operator_user)
        path = f"/api/v1/payments/{payment.pk}/cancel/"
        assert client.post(path, {"reason": "typo"}, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 200
        before = written()
        other = client.post(path, {"reason": "another"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
        assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
        elsewhere = client.post("/api/v1/payments/", {"reason": "typo"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
        assert elsewhere.status_code == 422 and written() == before

    def test_a_duplicate_while_the_first_is_in_flight_is_a_409(self, api_as, act, operator_user):
        client = api_as(operator_user)
        in_flight = client.post("/api/v1/payments/", {"act": act.pk}, format="json").wsgi_request
        Payment.objects.all().delete()
        get_backend().acquire_or_get(f"{operator_user.pk}:p", request_fingerprint(in_flight), lock_ttl=timedelta(minutes=1))
        before = written()
        duplicate = client.post("/api/v1/payments/", {"act": act.pk}, format="json", HTTP_IDEMPOTENCY_KEY="p")
        assert duplicate.status_code == 409 and duplicate.json()["error"]["code"] == "idempotency_key_in_progress"
        assert written() == before

    def test_a_malformed_key_is_a_400(self, api_as, act, operator_user):
        response = api_as(operator_user).post("/api/v1/payments/", {"act": act.pk}, format="json",
                                              HTTP_IDEMPOTENCY_KEY="a key with spaces")
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_idempotency_key"
        assert not Payment.objects.exists()

    def test_keys_belong_to_their_user(self, api_as, act, operator_user, second_operator_user):
        payment = payment_prepare(act=act, actor=operator_user)
        path = f"/api/v1/payments/{payment.pk}/approve/"
        refused = api_as(operator_user).post(path, HTTP_IDEMPOTENCY_KEY="same")
        approved = api_as(second_operator_user).post(path, HTTP_IDEMPOTENCY_KEY="same")
        assert refused.status_code == 403 and approved.status_code == 200 and approved["Idempotent-Replayed"] == "false"

    def test_an_answer_past_its_time_is_forgotten(self, api_as, act, operator_user, settings):
        client = api_as(operator_user)
        client.post("/api/v1/payments/", {"act": act.pk}, format="json", HTTP_IDEMPOTENCY_KEY="old")
        IdempotencyRecord.objects.update(expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        from core.tasks import idempotency_cleanup

        assert idempotency_cleanup() == 1 and not IdempotencyRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("transactional_db")
class ConcurrentDuplicateTests:
    def test_twenty_concurrent_duplicates_prepare_one_payment_and_run_the_view_once(self, act, operator_user):
        barrier = threading.Barrier(20)
        answers = []

        def send():
            client = APIClient()
            client.force_authenticate(operator_user)
            try:
                barrier.wait()
                response = client.post("/api/v1/payments/", {"act": act.pk}, format="json", HTTP_IDEMPOTENCY_KEY="pay-once")
                answers.append((response.status_code, response.get("Idempotent-Replayed"),
                                response.json()["error"]["code"] if response.status_code >= 400 else response.content))
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ran = [answer for answer in answers if answer[1] == "false"]
        assert len(answers) == 20 and len(ran) == 1 and ran[0][0] == 201
        others = {(status_code, replayed, body if status_code == 409 else body == ran[0][2])
                  for status_code, replayed, body in answers if replayed != "false"}
        assert others <= {(409, None, "idempotency_key_in_progress"), (201, "true", True)}, others
        assert Payment.objects.filter(act=act).count() == 1
        assert AuditEvent.objects.filter(action="payment_prepared").count() == 1
