"""API permissions: one default class for every endpoint, asking the one permission decision.

* Anonymous callers reach only views that declare ``public = True`` (read-only open data).
* Everyone signed in may read what the selectors show them.
* A write is the action the view names (``permission_target``) on its model: the caller's role must
  be one that may take it (``core.scoping.require`` on the model class, before the body is read),
  and on the object the view fetches with ``get_object`` the row must be one the caller may act
  on (``require`` on the row). A monitor never writes, except where ``core.scoping.MONITOR_ACTIONS``
  says so. The service asks the same decision again, under the row lock, and has the last word.

A refusal is the decision's ``PermissionDeniedError``: a 403 whose message says why.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.errors import PermissionDeniedError
from core.scoping import require


def _require(user, action: str, target) -> None:
    """``require``, its refusal as DRF's own 403 (same code and message): DRF's answer to OPTIONS asks
    the permission of each method and expects a refusal it knows."""
    try:
        require(user, action, target)
    except PermissionDeniedError as error:
        raise exceptions.PermissionDenied(detail=str(error.message), code=error.code) from None

# A viewset's standard actions and the permission action they are.
DEFAULT_ACTIONS = {"create": "add", "update": "change", "partial_update": "change", "destroy": "delete"}


def permission_target(view) -> tuple[type, str] | None:
    """The model and the action a write to ``view`` performs, or None when it declares none (refused).

    A view names them with ``permission_model`` (default: its queryset's model) and either
    ``permission_action`` (one action for the whole view) or ``permission_actions`` (viewset action
    name → permission action, e.g. ``{"create": "build", "decide_lines": "decide"}``, or a callable of
    the request for an action that depends on the caller, e.g. the signing party, or a ``(model, action)``
    pair for an action on another model); an action of a
    viewset not listed is its own name (``submit`` → ``submit``), ``create`` is ``add``,
    ``update`` is ``change``, ``destroy`` is ``delete``.
    """
    name = getattr(view, "action", None)
    if name == "metadata":  # DRF answering OPTIONS asks as the method it describes: that method's action
        name = (getattr(view, "action_map", None) or {}).get(view.request.method.lower())
    declared = getattr(view, "permission_actions", {}) or {}
    if name in declared:
        action = declared[name]
    elif getattr(view, "permission_action", None):
        action = view.permission_action
    elif name:
        action = DEFAULT_ACTIONS.get(name, name)
    else:
        return None
    if callable(action):
        action = action(view.request)
    if action is None:
        return None
    if isinstance(action, tuple):  # an action on another model: (ContractLine's) claim_penalty = (PenaltyClaim, "add")
        return action
    model = getattr(view, "permission_model", None) or view.get_queryset().model
    return model, action


class PortalPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if request.method in SAFE_METHODS:
            return bool(getattr(view, "public", False) or (user and user.is_authenticated))
        if not (user and user.is_authenticated):
            return False
        target = permission_target(view)
        if target is None:
            return False
        model, action = target
        _require(user, action, model)
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        target = permission_target(view)
        if target is None:
            return False
        model, action = target
        if isinstance(obj, model):
            _require(request.user, action, obj)
        return True
