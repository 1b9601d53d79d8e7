"""Page access: by the one permission decision (``core.scoping``), or by role for pages that only show.

Which rows a page shows is still decided by the scoping (selectors); which object a form acts on is
judged again by the service (``require``). A refused page is a 403 that says why, in the user's
language (``templates/403.html`` shows the decision's message).
"""

from __future__ import annotations

from functools import wraps

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.scoping import denial, effective_role


def resolve_model(model):
    """A model class from itself or its label (``"acts.Act"``)."""
    return apps.get_model(model) if isinstance(model, str) else model


def page_require(user, action: str, obj) -> None:
    """``core.scoping.require`` for a page: unless ``user`` may do ``action`` to ``obj`` (a row or a model
    class), a 403 page whose message is the decision's translated reason."""
    error = denial(user, action, obj)
    if error is not None:
        raise PermissionDenied(str(error))


def permission_required(model, action: str):
    """Signed-in users who may do ``action`` to some row of ``model`` (``core.scoping.may``) reach the view;
    others get 403. The view is marked with what it does (``view.permission``), which the read-only
    middleware asks: a monitor's unsafe request reaches only a view whose action it may take."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            page_require(request.user, action, resolve_model(model))
            return view(request, *args, **kwargs)

        guarded = login_required(wrapped)
        guarded.permission = (model, action)
        return guarded

    return decorator


def role_required(*roles: str):
    """Signed-in users of one of ``roles`` may open the page (a superuser counts as an administrator);
    others get 403. For pages that show; a page that changes something uses ``permission_required``."""
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if effective_role(request.user) not in allowed:
                raise PermissionDenied(_("Your role may not do this."))
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def own_settings_only(view):
    """Mark a page whose POST changes only the signed-in user's own settings (their inbox, their
    notification preferences): a read-only role (a monitor) may use it too
    (``accounts.middleware.ReadOnlyRoleMiddleware`` asks this mark)."""
    view.changes_own_settings_only = True
    return view
