"""API permissions: one default class for every endpoint.

* Anonymous callers reach only views that declare ``public = True`` (read-only open data).
* Everyone signed in may read what the selectors show them.
* Writes need a role listed in the view's ``write_roles``; a monitor never writes, except where
  ``monitor_may_write`` says so.
Services check the rules again; this keeps refusals early and uniform.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.roles import READ_ONLY_ROLES


def monitor_may_write(view) -> bool:
    """The one exception to "a monitor changes nothing", for pages and API alike: a view (function or
    API view) that declares ``monitor_writes = True`` — the monitoring-case endpoints, where monitors
    open, question, conclude and close. Their services check the monitor's role again."""
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None) or view
    return bool(getattr(view, "monitor_writes", False) or getattr(view_class, "monitor_writes", False))


class PortalPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if request.method in SAFE_METHODS:
            return bool(getattr(view, "public", False) or (user and user.is_authenticated))
        if not (user and user.is_authenticated):
            return False
        if user.role in READ_ONLY_ROLES and not monitor_may_write(view):
            return False
        write_roles = getattr(view, "write_roles", None)
        if write_roles is None:
            return False
        return user.is_superuser or user.role in write_roles
