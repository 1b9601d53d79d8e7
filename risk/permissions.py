"""Who may see risk flags and scores: the one decision, asked by pages, the API and the selectors.

A flag is a lead for oversight, never an accusation shown to the school: school representatives see
nothing of flags or scores. Departments see their region (``core.scoping`` through the models'
scopes), operators, monitors and administrators everything. Nobody changes a flag by hand.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from core.roles import NATIONWIDE_ROLES, Role

RISK_ROLES = frozenset({Role.DEPARTMENT, *NATIONWIDE_ROLES})


def may_see_risk(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role in NATIONWIDE_ROLES:
        return True
    return user.role == Role.DEPARTMENT and bool(user.region_id)


def may_see_runs(user) -> bool:
    """Risk runs carry national totals: operators, monitors and administrators."""
    return getattr(user, "is_authenticated", False) and (user.is_superuser or user.role in NATIONWIDE_ROLES)


def require_risk_viewer(user) -> None:
    if not may_see_risk(user):
        raise PermissionDenied


class MaySeeRisk(BasePermission):
    """API: only those who may see risk flags reach the risk endpoints (a school gets 403)."""

    def has_permission(self, request, view) -> bool:
        return may_see_risk(request.user)


class MaySeeRuns(BasePermission):
    """API: risk runs (national totals) for operators, monitors and administrators."""

    def has_permission(self, request, view) -> bool:
        return may_see_runs(request.user)
