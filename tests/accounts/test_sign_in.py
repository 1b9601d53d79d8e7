"""Sign-in throttling, the audit of sign-ins, API tokens and the idle session timeout (issue 11, defect 4)."""

import datetime as dt
import logging

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from core.models import AuditEvent

PASSWORD = "pass-12345"  # tests/factories.make_user


def actions(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True))


@pytest.mark.django_db
class WebLockoutTests:
    def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(self, client, department_user, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = client.post("/en/accounts/login/", {"username": "dept_astana", "password": "wrong"})
        assert response.status_code == 429 and 'data-testid="locked-out"' in response.content.decode()
        response = client.post("/en/accounts/login/", {"username": "dept_astana", "password": PASSWORD})
        assert response.status_code == 429 and "_auth_user_id" not in client.session

    def test_the_lockout_is_for_the_username_from_that_address_only(self, department_user, other_department_user, settings):
        attacker = Client(REMOTE_ADDR="10.0.0.66")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attacker.post("/en/accounts/login/", {"username": "dept_astana", "password": "wrong"})
        assert attacker.post("/en/accounts/login/", {"username": "dept_almaty", "password": PASSWORD}).status_code == 302
        colleague = Client(REMOTE_ADDR="10.0.0.7")
        assert colleague.post("/en/accounts/login/", {"username": "dept_astana", "password": PASSWORD}).status_code == 302

    def test_the_lock_lifts_after_the_cool_off(self, client, department_user, settings):
        from axes.models import AccessAttempt

        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post("/en/accounts/login/", {"username": "dept_astana", "password": "wrong"})
        AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
        assert client.post("/en/accounts/login/", {"username": "dept_astana", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
class ApiLockoutTests:
    def test_after_five_wrong_passwords_the_token_endpoint_answers_429_even_to_the_right_one(self, api, operator_user, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert api.post("/api/v1/auth/token/", {"username": "operator1", "password": "bad"}).status_code in (401, 403)
        response = api.post("/api/v1/auth/token/", {"username": "operator1", "password": "bad"})
        assert response.status_code == 429
        response = api.post("/api/v1/auth/token/", {"username": "operator1", "password": PASSWORD})
        assert response.status_code == 429 and response.json()["error"]["code"] == "locked_out"
        assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
        assert not ApiToken.objects.exists()


@pytest.mark.django_db
class SignInAuditTests:
    def test_web_sign_in_sign_out_and_failure_are_in_the_audit_trail_with_the_address(self, department_user, caplog):
        client = Client(REMOTE_ADDR="10.1.2.3")
        with caplog.at_level(logging.WARNING, logger="accounts.sign_in"):
            client.post("/en/accounts/login/", {"username": "dept_astana", "password": "wrong"})
            client.post("/en/accounts/login/", {"username": "nobody", "password": "wrong"})
        assert "username='dept_astana' address=10.1.2.3 channel=web" in caplog.text
        assert "username='nobody' address=10.1.2.3" in caplog.text
        client.post("/en/accounts/login/", {"username": "dept_astana", "password": PASSWORD})
        client.post("/en/accounts/logout/")
        assert actions(object_id=str(department_user.pk)) == ["sign_in_failed", "signed_in", "signed_out"]
        unknown = AuditEvent.objects.get(action="sign_in_failed", object_id="")
        assert unknown.data["username"] == "nobody" and unknown.data["address"] == "10.1.2.3"
        signed_in = AuditEvent.objects.get(action="signed_in")
        assert signed_in.actor == department_user and signed_in.data["channel"] == "web" and signed_in.data["address"] == "10.1.2.3"

    def test_api_failures_are_logged_with_the_username_and_sign_ins_audited(self, operator_user, caplog):
        api = APIClient(REMOTE_ADDR="10.9.8.7")
        with caplog.at_level(logging.WARNING, logger="accounts.sign_in"):
            api.post("/api/v1/auth/token/", {"username": "operator1", "password": "bad"})
        assert "username='operator1' address=10.9.8.7 channel=api" in caplog.text
        api.post("/api/v1/auth/token/", {"username": "operator1", "password": PASSWORD})
        assert actions(object_id=str(operator_user.pk)) == ["sign_in_failed", "api_token_issued", "signed_in"]
        assert AuditEvent.objects.get(action="signed_in").data["channel"] == "api"

    def test_a_proxy_address_is_believed_only_from_the_trusted_proxy(self, department_user, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5").post(
            "/en/accounts/login/", {"username": "dept_astana", "password": "wrong"})
        assert AuditEvent.objects.get(action="sign_in_failed").data["address"] == "203.0.113.5"


@pytest.mark.django_db
class ApiTokenTests:
    def test_each_sign_in_gets_its_own_token_and_the_old_flow_still_works(self, api, operator_user):
        first = api.post("/api/v1/auth/token/", {"username": "operator1", "password": PASSWORD, "device": "accounting"}).json()
        second = api.post("/api/v1/auth/token/", {"username": "operator1", "password": PASSWORD}).json()
        assert first["token"] != second["token"] and first["expiry"]
        for token in (first["token"], second["token"]):
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            assert client.get("/api/v1/me/").json()["username"] == "operator1"
        listed = APIClient()
        listed.credentials(HTTP_AUTHORIZATION=f"Token {first['token']}")
        tokens = listed.get("/api/v1/auth/tokens/").json()
        assert [(t["token_key"], t["current"]) for t in tokens] == [(second["token_key"], False), (first["token_key"], True)]
        assert tokens[1]["label"] == "accounting"

    def test_tokens_are_stored_hashed_and_expire(self, api, operator_user):
        token = api.post("/api/v1/auth/token/", {"username": "operator1", "password": PASSWORD}).json()["token"]
        stored = ApiToken.objects.get()
        assert token not in (stored.digest, stored.token_key) and stored.expiry > timezone.now()
        ApiToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api.get("/api/v1/me/").status_code == 401

    def test_a_call_reads_the_token_presented_not_every_token_of_the_user(self, api, operator_user):
        """knox read every token of the user on each call to delete the expired ones (``accounts.auth``): the cost of
        a call grew with the devices signed in. Now one query finds the token, however many the user has; an
        expired one is refused and deleted when presented, and the others at the next sign-in."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        tokens = [api.post("/api/v1/auth/token/", {"username": "operator1", "password": PASSWORD}).json()["token"]
                  for _n in range(6)]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[-1]}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/regions/").status_code == 200
        assert len([q for q in captured.captured_queries if 'FROM "accounts_apitoken"' in q["sql"]]) == 1
        first = ApiToken.objects.order_by("created").first()
        ApiToken.objects.filter(pk=first.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
        assert client.get("/api/v1/me/").status_code == 200  # another token expired: this one still works …
        assert ApiToken.objects.filter(pk=first.pk).exists()  # … and the call did not touch it
        stale = APIClient()
        stale.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")
        assert stale.get("/api/v1/me/").status_code == 401  # presented: refused and deleted
        assert not ApiToken.objects.filter(pk=first.pk).exists() and ApiToken.objects.count() == 5
        ApiToken.objects.filter(digest=ApiToken.objects.order_by("created").first().digest).update(
            expiry=timezone.now() - dt.timedelta(seconds=1))
        api.post("/api/v1/auth/token/", {"username": "operator1", "password": PASSWORD})  # a sign-in removes the expired
        assert ApiToken.objects.count() == 5 and not ApiToken.objects.filter(expiry__lte=timezone.now()).exists()

    def test_a_revoked_token_stops_working_at_once_and_logout_revokes_the_current_one(self, api, operator_user):
        first = api.post("/api/v1/auth/token/", {"username": "operator1", "password": PASSWORD}).json()
        second = api.post("/api/v1/auth/token/", {"username": "operator1", "password": PASSWORD}).json()
        api.credentials(HTTP_AUTHORIZATION=f"Token {second['token']}")
        assert api.delete(f"/api/v1/auth/tokens/{first['token_key']}/").status_code == 204
        other = APIClient()
        other.credentials(HTTP_AUTHORIZATION=f"Token {first['token']}")
        assert other.get("/api/v1/me/").status_code == 401
        assert api.post("/api/v1/auth/logout/").status_code == 204
        assert api.get("/api/v1/me/").status_code == 401
        assert not ApiToken.objects.exists()
        assert "api_token_revoked" in actions()

    def test_nobody_revokes_another_users_token(self, api, operator_user, second_operator_user):
        theirs = api.post("/api/v1/auth/token/", {"username": "operator2", "password": PASSWORD}).json()
        mine = api.post("/api/v1/auth/token/", {"username": "operator1", "password": PASSWORD}).json()
        api.credentials(HTTP_AUTHORIZATION=f"Token {mine['token']}")
        assert api.delete(f"/api/v1/auth/tokens/{theirs['token_key']}/").status_code == 404
        assert ApiToken.objects.filter(user=second_operator_user).exists()

    def test_the_users_page_lists_the_tokens_and_revokes_one(self, api, monitor_user):
        token = api.post("/api/v1/auth/token/", {"username": "monitor1", "password": PASSWORD, "device": "my laptop"}).json()
        client = Client()
        client.force_login(monitor_user)
        page = client.get("/en/accounts/me/").content.decode()
        assert token["token_key"] in page and "my laptop" in page and token["token"] not in page
        response = client.post(f"/en/accounts/me/tokens/{token['token_key']}/revoke/")  # a monitor too: it is their own
        assert response.status_code == 302 and not ApiToken.objects.exists()


@pytest.mark.django_db
class IdleSessionTests:
    def test_a_session_ends_after_the_idle_timeout_and_each_request_starts_the_count_again(self, department_user,
                                                                                          settings, monkeypatch):
        from django.contrib.sessions.models import Session
        from django.utils import timezone as django_timezone

        assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_REFRESH_SECONDS == 60
        started = timezone.now()
        client = Client()
        client.post("/en/accounts/login/", {"username": "dept_astana", "password": PASSWORD})
        signed_in = Session.objects.get().expire_date
        assert client.get("/en/").status_code == 200  # a request within the minute writes nothing …
        assert Session.objects.get().expire_date == signed_in
        monkeypatch.setattr(django_timezone, "now", lambda: started + dt.timedelta(minutes=25))
        assert client.get("/en/").status_code == 200  # … a request 25 minutes into the idle time …
        assert Session.objects.get().expire_date >= started + dt.timedelta(minutes=25 + 30)  # … starts it again
        monkeypatch.setattr(django_timezone, "now", lambda: started + dt.timedelta(minutes=25 + 30, seconds=1))
        response = client.get("/en/contingent/")  # 30 idle minutes later
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_an_anonymous_visitor_gets_no_session_from_the_refresh(self, db):
        from django.contrib.sessions.models import Session

        assert Client().get("/en/orders/queue/").status_code == 200
        assert not Session.objects.exists()
