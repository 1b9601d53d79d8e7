"""Small helpers shared by the procurement services (scoping of one row is ``core.scoping.ensure_in_scope``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, PermissionDeniedError
from core.roles import Role

MAX_TEXT = 2000


def ensure_role(actor, *roles: str) -> None:
    if actor is None:
        return
    if getattr(actor, "role", None) not in roles:
        raise PermissionDeniedError(_("Your role may not do this."), code="role")


def ensure_department_of(actor, region_id: str) -> None:
    """Only the department of ``region_id`` (or the system) records and edits the region's contracts."""
    if actor is None:
        return
    ensure_role(actor, Role.DEPARTMENT)
    if actor.region_id != region_id:
        raise PermissionDeniedError(_("This record belongs to another region or school."), code="out_of_scope")


def person_name(user) -> str:
    return ((user.get_full_name() or user.username) if user is not None else "")[:300]


def today() -> dt.date:
    return timezone.localdate()


def now() -> dt.datetime:
    return timezone.now()


def clean_text(value: str | None, *, field: str, required: bool = False, label: str | None = None, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(field)s is required.") % {"field": label or field}, field=field, code="required")
    if len(value) > limit:
        raise DomainError(_("%(field)s is longer than %(max)s characters.") % {"field": label or field, "max": limit},
                          field=field, code="too_long")
    return value
