"""The one domain error type.

Services raise ``DomainError`` when a business rule forbids what was asked; the API
exception handler turns it into a 400 (or 409 for conflicts with the current state)
and the web views into a form error or a flash message.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status_code = 400
    default_code = "rule_violation"

    def __init__(self, message, *, code: str | None = None, field: str | None = None, details: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.details = details or {}

    def __str__(self) -> str:
        return str(self.message)

    def field_errors(self) -> dict[str | None, list[str]]:
        """Messages by the field they concern (None: the request as a whole)."""
        return {self.field or None: [str(self.message)]}


class ConflictError(DomainError):
    """The action conflicts with the current state (already approved, paid, locked…)."""

    status_code = 409
    default_code = "conflict"


class PermissionDeniedError(DomainError):
    status_code = 403
    default_code = "forbidden"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("You may not do this."), **kwargs)
