"""Small helpers shared by the procurement services (who may do what: ``core.scoping.require``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

MAX_TEXT = 2000


def person_name(user) -> str:
    return (user.record_name if user is not None else "")[:300]  # full name and position, never the login


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
