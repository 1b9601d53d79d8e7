from __future__ import annotations

from django.db.models import DateTimeField, Func
from django.utils.translation import gettext as _

from core.errors import PermissionDeniedError


class ClockTimestamp(Func):
    """PostgreSQL's clock_timestamp(): the database clock at this instant, to the microsecond."""

    template = "clock_timestamp()"
    output_field = DateTimeField()


def ensure_role(actor, *roles: str) -> None:
    if getattr(actor, "role", None) not in roles:
        raise PermissionDeniedError(_("Your role may not do this."), code="role")
