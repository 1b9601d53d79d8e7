import pytest
from django.core.exceptions import ImproperlyConfigured

from core.errors import PermissionDeniedError
from core.scoping import ensure_in_scope, scope_queryset
from schools.models import School
from schools.selectors import school_list
from tests.factories import make_school


@pytest.mark.django_db
class ScopingTests:
    def test_school_user_sees_only_its_school(self, school_user, school_a, school_b):
        assert list(school_list(user=school_user)) == [school_a]

    def test_department_user_sees_only_its_region(self, department_user, school_a, school_b, region_astana):
        other_in_region = make_school(region=region_astana, name="Мектеп В")
        assert set(school_list(user=department_user)) == {school_a, other_in_region}

    @pytest.mark.parametrize("role_fixture", ["operator_user", "monitor_user", "admin_user_portal"])
    def test_nationwide_roles_see_everything(self, request, role_fixture, school_a, school_b):
        user = request.getfixturevalue(role_fixture)
        assert set(school_list(user=user)) == {school_a, school_b}

    def test_anonymous_sees_nothing_of_a_non_public_model(self, school_a):
        from django.contrib.auth.models import AnonymousUser

        assert list(school_list(user=AnonymousUser())) == []

    def test_a_model_without_a_scope_cannot_be_shown(self):
        from core.models import WorkerHeartbeat

        with pytest.raises(ImproperlyConfigured):
            scope_queryset(WorkerHeartbeat.objects.all(), None)

    def test_every_user_facing_model_declares_its_scope(self):
        """New models join the central scoping by declaring ``scope``; a test keeps it so."""
        from django.apps import apps

        from core.scoping import Scope

        exempt = {
            "core.Region", "core.AuditEvent", "core.WorkerHeartbeat", "accounts.User",
        }
        for model in apps.get_app_configs():
            if model.name not in {"schools", "contingent", "orders", "acts", "payments", "checks", "procurement"}:
                continue
            for m in model.get_models():
                label = f"{m._meta.app_label}.{m.__name__}"
                if label in exempt or getattr(m, "scope_exempt", False):
                    continue
                assert isinstance(getattr(m, "scope", None), Scope), f"{label} declares no scope"
        assert School.scope is not None

    def test_acting_on_a_row_needs_seeing_it_and_the_system_may(self, school_user, department_user, operator_user,
                                                                 school_a, school_b):
        from django.contrib.auth.models import AnonymousUser

        for user in (school_user, department_user, operator_user, None):
            ensure_in_scope(school_a, user)  # no error: the school itself, its region, nationwide, the system
        for user in (school_user, department_user, AnonymousUser()):
            with pytest.raises(PermissionDeniedError) as failure:
                ensure_in_scope(school_b, user)
            assert failure.value.code == "out_of_scope"
