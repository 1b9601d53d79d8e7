"""Who may do what in the checks app: one function per decision, asked by the services (which refuse),
the API permissions (which refuse early) and the pages (which show a button only when allowed).

* starting a check run by hand: an operator or an administrator;
* explaining a finding: the school concerned (its own finding);
* deciding a finding (waive, resolve): an operator, an administrator, or the department of the
  school's region.

Superusers count as administrators, as everywhere in the portal; a monitor never changes anything.
Whether the finding's *status* allows the action is the transition table's business
(``checks.transitions``), not this module's.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from core.roles import Role

CHECK_RUN_STARTERS = frozenset({Role.OPERATOR, Role.ADMIN})
NATIONAL_DECIDERS = frozenset({Role.OPERATOR, Role.ADMIN})


def _role(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Role.ADMIN if getattr(user, "is_superuser", False) else getattr(user, "role", None)


def may_start_check_run(user) -> bool:
    return _role(user) in CHECK_RUN_STARTERS


def may_explain_finding(user, finding) -> bool:
    return _role(user) == Role.SCHOOL and user.school_id == finding.school_id


def may_decide_finding(user, finding) -> bool:
    role = _role(user)
    if role in NATIONAL_DECIDERS:
        return True
    return role == Role.DEPARTMENT and user.region_id is not None and user.region_id == finding.school.region_id


class MayStartCheckRun(BasePermission):
    """API: ``may_start_check_run``."""

    def has_permission(self, request, view) -> bool:
        return may_start_check_run(request.user)


class MayExplainFinding(BasePermission):
    """API: ``may_explain_finding`` (the finding is already scoped to what the user sees)."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)  # the finding decides

    def has_object_permission(self, request, view, obj) -> bool:
        return may_explain_finding(request.user, obj)


class MayDecideFinding(BasePermission):
    """API: ``may_decide_finding``."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)  # the finding decides

    def has_object_permission(self, request, view, obj) -> bool:
        return may_decide_finding(request.user, obj)
