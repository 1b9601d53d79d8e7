"""API permissions: one default class for every endpoint.

* Anonymous callers reach only views that declare ``public = True`` (read-only open data).
* Everyone signed in may read what the selectors show them.
* Writes need a role listed in the view's ``write_roles``; a monitor never writes.
Services check the rules again; this keeps refusals early and uniform.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.roles import READ_ONLY_ROLES


class PortalPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if request.method in SAFE_METHODS:
            return bool(getattr(view, "public", False) or (user and user.is_authenticated))
        if not (user and user.is_authenticated):
            return False
        if user.role in READ_ONLY_ROLES:
            return False
        write_roles = getattr(view, "write_roles", None)
        if write_roles is None:
            return False
        return user.is_superuser or user.role in write_roles
