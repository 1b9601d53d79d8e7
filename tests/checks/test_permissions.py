"""One decision per action, asked alike by the page, the API and the service.

The defects these tests would have caught: the page let an administrator start a check run while
the API allowed only operators; the finding page tested ``is_superuser`` while the service tested
the administrator role.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from checks.models import CheckRun
from checks.permissions import may_decide_finding, may_start_check_run
from checks.pipeline import check_pipeline_start
from checks.services import finding_waive
from core.errors import PermissionDeniedError
from tests.factories import make_user
from tests.schools.factories import make_finding

ROLES = ["operator_user", "admin_user_portal", "department_user", "school_user", "monitor_user"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name, *args) -> str:
    with translation.override("en"):
        return reverse(f"checks:{name}", args=args)


@pytest.mark.django_db
class StartingACheckRunTests:
    @pytest.mark.parametrize("role", ROLES)
    def test_page_api_and_service_give_the_same_answer(self, request, role, api_as, django_capture_on_commit_callbacks):
        user = request.getfixturevalue(role)
        allowed = may_start_check_run(user)
        assert allowed is (role in ("operator_user", "admin_user_portal"))
        with django_capture_on_commit_callbacks():
            page = _client(user).post(_url("run-start"))
        assert (page.status_code == 302) is allowed and (page.status_code == 403) is not allowed
        CheckRun.objects.all().delete()
        with django_capture_on_commit_callbacks():
            api = api_as(user).post("/api/v1/check-runs/start/", {}, format="json")
        assert (api.status_code == 202) is allowed and (api.status_code == 403) is not allowed
        CheckRun.objects.all().delete()
        if allowed:
            with django_capture_on_commit_callbacks():
                assert check_pipeline_start(actor=user).started_by == user
        else:
            with pytest.raises(PermissionDeniedError):
                check_pipeline_start(actor=user)

    def test_the_list_shows_the_start_button_to_an_administrator(self, admin_user_portal):
        assert 'name="fetch"' in _client(admin_user_portal).get(_url("run-list")).content.decode()


@pytest.mark.django_db
class DecidingAFindingTests:
    @pytest.fixture
    def finding(self, school_a):
        return make_finding(school_a, code="S02", details={"bin": school_a.bin, "oked": "86.10"})

    @pytest.fixture
    def superuser_of_another_region(self, region_almaty):
        user = make_user("super_almaty", role="department", region=region_almaty)
        user.is_superuser = True
        user.save()
        return user

    @pytest.mark.parametrize("role", [*ROLES, "other_department_user", "superuser_of_another_region"])
    def test_page_api_and_service_give_the_same_answer(self, request, role, finding, api_as):
        user = request.getfixturevalue(role)
        allowed = may_decide_finding(user, finding)
        assert allowed is (role in ("operator_user", "admin_user_portal", "department_user", "superuser_of_another_region"))
        page = _client(user).get(_url("finding-detail", finding.pk))
        if page.status_code == 200:
            assert page.context["may_decide"] is allowed
        else:
            assert page.status_code == 404 and not allowed  # not even visible to the user
        response = api_as(user).post(f"/api/v1/findings/{finding.pk}/waive/", {"reason": "Checked"}, format="json")
        if allowed:
            assert response.status_code == 200, response.content
            finding.refresh_from_db()
            assert finding.status == "waived"
        else:
            assert response.status_code in (403, 404)
            with pytest.raises(PermissionDeniedError):
                finding_waive(finding=finding, actor=user, reason="Checked")
