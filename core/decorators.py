"""Page access by role. Which rows a page shows is still decided by the scoping (selectors)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(*roles: str):
    """Signed-in users of one of ``roles`` (administrators always) may open the page; others get 403."""
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user.is_superuser or user.role in allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def monitor_writes(view):
    """Mark a page whose POST a monitor may send (monitoring cases): see ``accounts.permissions.monitor_may_write``.
    Apply it outermost."""
    view.monitor_writes = True
    return view
