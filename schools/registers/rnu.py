"""The register of unreliable suppliers (реестр недобросовестных поставщиков, РНП): public information.

File format (CONTRACT): ``bin,included_on,reason``; an optional ``excluded_on`` column ends an
entry (a file without the column leaves the stored end dates as they are). Entries are keyed by
BIN and date of inclusion: one supplier may be included by several decisions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.tabular import Row, RowErrors, parse_date
from schools.registers.base import HttpTransport, RegisterClient, parse_bin_cell, parse_cell

COLUMNS = ["bin", "included_on", "reason"]
OPTIONAL = ["excluded_on"]
REASON_MAX_LENGTH = 2000


@dataclass(frozen=True)
class RnuRecord:
    line: int
    bin: str
    included_on: dt.date
    reason: str
    excluded_on: dt.date | None = None


class UnreliableSupplierRegister(RegisterClient[RnuRecord]):
    columns = COLUMNS
    optional = OPTIONAL

    def key(self, record: RnuRecord) -> tuple:
        return (record.bin, record.included_on)

    def describe_key(self, record: RnuRecord) -> str:
        return f"{record.bin} / {record.included_on.isoformat()}"

    def parse(self, row: Row, errors: RowErrors) -> RnuRecord | None:
        before = len(errors.errors)
        bin_value = parse_bin_cell(row, errors)
        included_on = parse_cell(row, errors, "included_on", parse_date)
        excluded_on = parse_cell(row, errors, "excluded_on", parse_date, required=False)
        reason = row.data.get("reason", "")
        if len(reason) > REASON_MAX_LENGTH:
            errors.add(row.line, "reason", _("longer than %(max)s characters") % {"max": REASON_MAX_LENGTH})
        if included_on and excluded_on and excluded_on < included_on:
            errors.add(row.line, "excluded_on", _("the exclusion date is before the inclusion date"))
        if len(errors.errors) > before:
            return None
        return RnuRecord(line=row.line, bin=bin_value, included_on=included_on, reason=reason, excluded_on=excluded_on)


def rnu_register_http(**overrides) -> UnreliableSupplierRegister:
    """The register's web service, configured by ``RNU_REGISTER_URL`` and ``RNU_REGISTER_TOKEN``."""
    if not settings.RNU_REGISTER_URL:
        raise DomainError(
            _("The address of the register of unreliable suppliers is not configured (RNU_REGISTER_URL)."),
            code="not_configured",
        )
    options = {
        "url": settings.RNU_REGISTER_URL, "token": settings.RNU_REGISTER_TOKEN,
        "timeout": settings.REGISTER_HTTP_TIMEOUT, "retries": settings.REGISTER_HTTP_RETRIES,
        "backoff": settings.REGISTER_HTTP_BACKOFF,
    }
    options.update(overrides)
    return UnreliableSupplierRegister(HttpTransport(**options))
