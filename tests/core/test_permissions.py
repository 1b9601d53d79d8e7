"""The one permission decision (``core.scoping``): restrict, may, require, allowed_actions."""

import io

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation

from checks.models import CheckRun, Finding
from core.errors import DomainError, PermissionDeniedError
from core.roles import Role
from core.scoping import (
    MONITOR_ACTIONS,
    Allow,
    Scope,
    allowed_actions,
    declared_actions,
    effective_role,
    may,
    require,
    restrict,
    scope_of,
)
from tests.factories import make_user
from tests.schools.factories import make_finding


def _scoped_models():
    return [model for model in apps.get_models() if isinstance(getattr(model, "scope", None), Scope)]


class DeclarationTests:
    def test_an_unknown_role_in_an_allow_is_refused_when_the_model_loads(self):
        with pytest.raises(ImproperlyConfigured):
            Allow("headmaster")

    def test_view_is_decided_by_the_lookups_and_cannot_be_declared(self):
        with pytest.raises(ImproperlyConfigured):
            Scope(actions={"view": Allow(Role.SCHOOL)})

    def test_an_action_a_model_does_not_declare_is_a_programming_error_not_a_refusal(self):
        with pytest.raises(ImproperlyConfigured):
            may(_user(Role.OPERATOR), "fly", CheckRun)

    def test_a_monitor_is_granted_nothing_outside_the_one_list_of_exceptions(self):
        for model in _scoped_models():
            for action, grant in scope_of(model).actions.items():
                if Role.MONITOR in grant.roles:
                    assert (f"{model._meta.app_label}.{model.__name__}", action) in MONITOR_ACTIONS


def _user(role, **fields):
    """An unsaved user of ``role`` (enough for decisions on the model class)."""
    from accounts.models import User

    return User(username=f"u-{role}", role=role, **fields)


@pytest.mark.django_db
class DecisionTests:
    def test_a_superuser_is_an_administrator_nothing_more_nothing_less(self, school_a):
        superuser = make_user("root", role=Role.OPERATOR)
        superuser.is_superuser = True
        superuser.save(update_fields=["is_superuser"])
        assert effective_role(superuser) == Role.ADMIN
        assert may(superuser, "start", CheckRun)  # administrators start check runs
        from payments.models import Payment

        assert not may(superuser, "prepare", Payment)  # only operators prepare payments, whatever the flag says

    def test_the_system_may_do_everything_and_an_anonymous_visitor_nothing(self, school_a):
        finding = make_finding(school_a)
        assert may(None, "close", finding)
        with pytest.raises(PermissionDeniedError) as refused:
            require(AnonymousUser(), "waive", finding)
        assert refused.value.code == "not_authenticated"

    def test_a_monitor_is_refused_every_action_with_the_read_only_message(self, monitor_user, school_a):
        finding = make_finding(school_a)
        with translation.override("ru"), pytest.raises(PermissionDeniedError) as refused:
            require(monitor_user, "waive", finding)
        assert refused.value.code == "read_only"
        assert str(refused.value.message) != "A monitor reads everything and changes nothing."

    def test_a_department_acts_on_its_region_and_a_school_on_its_own_rows(self, department_user, other_department_user,
                                                                         school_user, other_school_user, school_a):
        warning = make_finding(school_a, code="S04", severity="warning")
        assert may(department_user, "waive", warning)
        with pytest.raises(PermissionDeniedError) as refused:
            require(other_department_user, "waive", warning)
        assert refused.value.code == "not_your_region"
        assert may(school_user, "explain", warning)
        with pytest.raises(PermissionDeniedError) as refused:
            require(other_school_user, "explain", warning)
        assert refused.value.code == "not_your_school"

    def test_a_condition_limits_the_rows_and_says_why(self, school_user, school_a):
        error = make_finding(school_a, code="S04", severity="error")
        with pytest.raises(DomainError) as refused:
            require(school_user, "explain", error)
        assert refused.value.code == "not_a_warning"
        assert not isinstance(refused.value, PermissionDeniedError)  # a rule about the row: 400, not 403
        assert error not in restrict(Finding.objects.all(), school_user, "explain")

    def test_allowed_actions_ask_the_permission_and_the_status(self, school_user, department_user, school_a):
        warning = make_finding(school_a, code="S04", severity="warning")
        assert allowed_actions(school_user, warning) == ["explain"]
        assert allowed_actions(department_user, warning) == ["waive", "resolve"]
        warning.status = "waived"
        warning.save(update_fields=["status"])
        assert allowed_actions(department_user, warning) == [
            action for action in ("waive", "resolve") if "waived" in Finding.TRANSITIONS[action].sources]
        assert allowed_actions(AnonymousUser(), warning) == []

    def test_the_template_tag_shows_a_button_only_when_the_decision_allows_it(self, school_user, department_user, school_a):
        warning = make_finding(school_a, code="S04", severity="warning")
        template = Template('{% load permissions %}{% may "waive" finding as ok %}{{ ok }}|'
                            '{% may "start" "checks.CheckRun" as start %}{{ start }}')
        assert template.render(Context({"user": department_user, "finding": warning})) == "True|False"
        assert template.render(Context({"user": school_user, "finding": warning})) == "False|False"


@pytest.mark.django_db
@pytest.mark.slow
class RestrictAndMayAgreeTests:
    """``restrict`` (SQL) and ``may`` (Python, one row) read the same declaration: on the demo data, for
    every model, action and role, the rows one returns are exactly the rows the other allows."""

    ROWS_PER_MODEL = 25

    def test_for_every_model_action_and_role(self):
        call_command("seed_demo", stdout=io.StringIO())
        from accounts.models import User

        users = list(User.objects.filter(username__in=["department", "department_almaty", "school", "operator",
                                                        "monitor", "admin"]))
        assert {effective_role(user) for user in users} == set(Role.values)
        users.append(AnonymousUser())
        checked = set()
        for model in _scoped_models():
            rows = list(model._default_manager.order_by("pk")[: self.ROWS_PER_MODEL])
            if not rows:
                continue
            pks = [row.pk for row in rows]
            for action in ["view", *declared_actions(model, creates=False)]:
                for user in users:
                    allowed = set(restrict(model._default_manager.filter(pk__in=pks), user, action)
                                  .values_list("pk", flat=True))
                    by_row = {row.pk for row in rows if may(user, action, row)}
                    assert allowed == by_row, f"{model._meta.label}.{action} for {effective_role(user)}"
                    checked.add(model._meta.label)
        assert checked >= {"acts.Act", "payments.Payment", "payments.Recovery", "checks.Finding", "orders.Contract",
                           "contingent.Enrolment", "schools.School", "procurement.ProcurementContract"}
