"""The one place that decides which rows a user may see (STYLE rule 6).

Every scoped model declares a ``scope = Scope(...)`` class attribute naming the
lookups that lead to its region and its school. ``scope_queryset`` applies it:

* operator, monitor and admin see every row;
* a department officer sees rows of its region;
* a school representative sees rows of its school;
* anyone else (anonymous) sees only what the scope declares public (nothing by default).

Selectors call ``scope_queryset`` (or ``Model.objects.visible_to(user)``); views and
API endpoints only ever go through selectors. Services that act on one row refuse a user who
may not see it with ``ensure_in_scope``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import PermissionDeniedError
from core.roles import NATIONWIDE_ROLES, Role

QFactory = Callable[[object], Q]


@dataclass(frozen=True)
class Scope:
    # Lookup from the model to its Region (a department sees rows whose region is its own),
    # or a callable user -> Q for a rule that a lookup cannot express.
    region: str | QFactory | None = None
    # Lookup from the model to its School (a school sees rows of its own school), or a callable.
    school: str | QFactory | None = None
    # What anonymous visitors may see (public open data); None = nothing.
    public: Q | None = None

    def _q(self, rule, value) -> Q:
        if rule is None:
            return Q(pk__in=[])
        if callable(rule):
            return rule
        return Q(**{rule: value})

    def for_user(self, user) -> Q | None:
        """The filter for ``user``; None means "everything"."""
        if not getattr(user, "is_authenticated", False):
            return self.public if self.public is not None else Q(pk__in=[])
        if user.is_superuser or user.role in NATIONWIDE_ROLES:
            return None
        if user.role == Role.DEPARTMENT and user.region_id:
            rule = self.region
            return rule(user) if callable(rule) else self._q(rule, user.region_id)
        if user.role == Role.SCHOOL and user.school_id:
            rule = self.school
            return rule(user) if callable(rule) else self._q(rule, user.school_id)
        return Q(pk__in=[])


def scope_queryset(queryset: models.QuerySet, user) -> models.QuerySet:
    scope = getattr(queryset.model, "scope", None)
    if not isinstance(scope, Scope):
        raise ImproperlyConfigured(f"{queryset.model.__name__} declares no scope; it cannot be shown to users.")
    condition = scope.for_user(user)
    return queryset if condition is None else queryset.filter(condition)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_queryset(self, user)


def ensure_in_scope(obj: models.Model, actor) -> None:
    """Refuse ``actor`` acting on ``obj`` when the scoping does not let it see the row.

    ``actor=None`` is the system (a command or a task run on the server), as in the audit trail; an
    anonymous visitor is a user object, never ``None``, and sees only what the scope makes public.
    """
    if actor is None:
        return
    if not scope_queryset(type(obj)._default_manager.filter(pk=obj.pk), actor).exists():
        raise PermissionDeniedError(_("This record belongs to another region or school."), code="out_of_scope")
