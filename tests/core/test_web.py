from unittest import mock

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from core.errors import DomainError
from core.tabular import RowError, RowsInvalid
from core.web import attempt, error_text, form_add_domain_error


class NameForm(forms.Form):
    name = forms.CharField()


def request_with_messages():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


class WebErrorTests:
    def test_a_refusal_lands_on_the_field_it_names_or_on_the_form(self):
        form = NameForm({"name": "x"})
        form.is_valid()
        form_add_domain_error(form, DomainError("taken", field="name"))
        form_add_domain_error(form, DomainError("closed", field="not_a_field"))
        assert form.errors["name"] == ["taken"] and form.non_field_errors() == ["closed"]

    def test_a_refusal_with_several_fields_lands_on_each(self):
        class Several(DomainError):
            def field_errors(self):
                return {"name": ["bad name"], None: ["bad request"]}

        form = NameForm({"name": "x"})
        form.is_valid()
        form_add_domain_error(form, Several("bad"))
        assert form.errors["name"] == ["bad name"] and form.non_field_errors() == ["bad request"]

    def test_attempt_shows_the_refusal_and_changes_nothing_else(self):
        request = request_with_messages()

        def refuse():
            raise DomainError("not now")

        assert attempt(request, refuse, "done") == (False, None)
        assert [str(m) for m in get_messages(request)] == ["not now"]

    def test_attempt_returns_the_result_and_the_success_message(self):
        request = request_with_messages()
        assert attempt(request, lambda: 42, "done") == (True, 42)
        assert [str(m) for m in get_messages(request)] == ["done"]

    def test_row_errors_keep_their_line_numbers_in_the_message(self):
        from django.utils import translation

        with translation.override("en"):
            text = error_text(RowsInvalid([RowError(3, "iin", "bad check digit")]))
        assert text.endswith("line 3, iin: bad check digit")

    @pytest.mark.parametrize("field, expected", [("name", {"name": ["x"]}), (None, {None: ["x"]})])
    def test_a_domain_error_names_its_field(self, field, expected):
        assert DomainError("x", field=field).field_errors() == expected


@pytest.mark.django_db
class DatabaseOutageTests:
    def test_a_view_that_loses_the_database_answers_503_with_retry_after_on_the_api_and_on_pages(self, api_as, school_user):
        from unittest import mock

        from django.db import OperationalError
        from django.test import Client

        with mock.patch("contingent.api.views.enrolment_list", side_effect=OperationalError("server closed the connection")):
            answer = api_as(school_user).get("/api/v1/enrolments/")
        assert answer.status_code == 503 and answer["Retry-After"] == "30"
        assert answer.json()["error"]["code"] == "unavailable"
        client = Client()
        client.force_login(school_user)
        with mock.patch("contingent.views.enrolment_list", side_effect=OperationalError("server closed the connection")):
            page = client.get("/en/contingent/")
        assert page.status_code == 503 and 'data-testid="unavailable"' in page.content.decode()

    def test_a_database_lost_in_a_middleware_answers_503_with_retry_after_on_the_api_and_on_pages(
            self, school_user, monitor_user):
        """Every query fails, as in a restart: the first one a request makes is in a middleware (the
        Idempotency-Key store finding the caller, the read-only check loading the signed-in user), before
        any view, where no ``process_exception`` reaches; ``handler500`` answers 503 there too."""
        from django.db import OperationalError, connection
        from django.test import Client

        from accounts.services import api_token_issue

        token = api_token_issue(user=school_user)[1]
        api = Client(raise_request_exception=False, headers={"Authorization": f"Token {token}", "Idempotency-Key": "k1"})
        page = Client(raise_request_exception=False)
        page.force_login(monitor_user)

        def unavailable(execute, sql, params, many, context):
            raise OperationalError("server closed the connection unexpectedly")

        with connection.execute_wrapper(unavailable):
            answer = api.post("/api/v1/enrolments/", {}, content_type="application/json")
            refused = page.post("/en/contingent/")
        assert answer.status_code == 503 and answer["Retry-After"] == "30"
        assert answer.json()["error"]["code"] == "unavailable"
        assert refused.status_code == 503 and refused["Retry-After"] == "30"
        assert 'data-testid="unavailable"' in refused.content.decode()

    def test_any_other_error_outside_a_view_is_still_the_500_page(self):
        from django.test import Client

        with mock.patch("accounts.middleware.ReadOnlyRoleMiddleware.process_view", side_effect=ValueError("a bug")):
            answer = Client(raise_request_exception=False).get("/en/")
        assert answer.status_code == 500 and 'data-testid="error-heading"' in answer.content.decode()

    def test_other_errors_are_left_to_django(self):
        from core.web import DatabaseOutageMiddleware

        assert DatabaseOutageMiddleware(lambda request: None).process_exception(RequestFactory().get("/api/v1/x/"), ValueError()) is None
