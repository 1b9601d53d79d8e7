"""Who may reach the risk pages and endpoints at all, asked by pages, the API, the selectors and the menu.

A flag is a lead for oversight, never an accusation shown to the school: school representatives see
nothing of flags or scores (403). Which rows the others see is the models' scopes (``core.scoping``:
a department its region, operators, monitors and administrators everything); what may be done to them
is declared there too (only a run raises and closes flags; nobody changes one by hand). The roles are
read as the one decision reads them (``effective_role``: a superuser is an administrator).
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from core.roles import NATIONWIDE_ROLES, Role
from core.scoping import effective_role

# Risk flags and scores: departments (their region) and the nationwide roles.
RISK_ROLES = frozenset({Role.DEPARTMENT, *NATIONWIDE_ROLES})
# Risk runs carry national totals: the nationwide roles only.
RUN_ROLES = NATIONWIDE_ROLES


def may_see_risk(user) -> bool:
    role = effective_role(user)
    if role == Role.DEPARTMENT:
        return bool(user.region_id)
    return role in RISK_ROLES


def may_see_runs(user) -> bool:
    return effective_role(user) in RUN_ROLES


class MaySeeRisk(BasePermission):
    """API: only those who may see risk flags reach the risk endpoints (a school gets 403)."""

    def has_permission(self, request, view) -> bool:
        return may_see_risk(request.user)


class MaySeeRuns(BasePermission):
    """API: risk runs (national totals) for operators, monitors and administrators."""

    def has_permission(self, request, view) -> bool:
        return may_see_runs(request.user)
