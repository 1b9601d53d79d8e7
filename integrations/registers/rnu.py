"""The register of unreliable suppliers (реестр недобросовестных поставщиков, РНП): public information.

File format (the contract): ``bin,included_on,reason``; an optional ``excluded_on`` column ends an
entry (a file without the column leaves the stored end dates as they are). The web service
answers records with the same keys.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError
from integrations.registers.base import HttpTransport

COLUMNS = ["bin", "included_on", "reason"]
OPTIONAL = ["excluded_on"]


def rnu_register_http(**overrides) -> HttpTransport:
    """The register's web service, configured by ``RNU_REGISTER_URL`` and ``RNU_REGISTER_TOKEN``."""
    if not settings.RNU_REGISTER_URL:
        raise DomainError(
            _("The address of the register of unreliable suppliers is not configured (RNU_REGISTER_URL)."),
            code="not_configured",
        )
    options = {
        "url": settings.RNU_REGISTER_URL, "token": settings.RNU_REGISTER_TOKEN,
        "service": _("Register of unreliable suppliers"), "timeout": settings.REGISTER_HTTP_TIMEOUT,
        "retries": settings.REGISTER_HTTP_RETRIES, "backoff": settings.REGISTER_HTTP_BACKOFF,
    }
    options.update(overrides)
    return HttpTransport(**options)
