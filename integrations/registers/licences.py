"""The licence register (an outside system): which legal entity holds which education licence.

File format (the contract): ``bin,licence_number,issued_on,levels,status`` — ``levels`` a ``;``-list
of ``primary``, ``basic``, ``general``; ``status`` ``active``, ``suspended`` or ``revoked``. The web
service answers records with the same keys (``levels`` may be a JSON list).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError
from integrations.registers.base import HttpTransport

COLUMNS = ["bin", "licence_number", "issued_on", "levels", "status"]
OPTIONAL: list[str] = []


def licence_register_http(**overrides) -> HttpTransport:
    """The licence register's web service, configured by ``LICENCE_REGISTER_URL`` and ``LICENCE_REGISTER_TOKEN``."""
    if not settings.LICENCE_REGISTER_URL:
        raise DomainError(_("The licence register's address is not configured (LICENCE_REGISTER_URL)."), code="not_configured")
    options = {
        "url": settings.LICENCE_REGISTER_URL, "token": settings.LICENCE_REGISTER_TOKEN, "service": _("Licence register"),
        "timeout": settings.REGISTER_HTTP_TIMEOUT, "retries": settings.REGISTER_HTTP_RETRIES,
        "backoff": settings.REGISTER_HTTP_BACKOFF,
    }
    options.update(overrides)
    return HttpTransport(**options)
