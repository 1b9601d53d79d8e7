"""The licence register (an outside system): which legal entity holds which education licence.

File format (CONTRACT): ``bin,licence_number,issued_on,levels,status`` — ``levels`` a ``;``-list
of ``primary``, ``basic``, ``general``; ``status`` ``active``, ``suspended`` or ``revoked``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.tabular import Row, RowErrors, parse_date
from schools.choices import Level, LicenceStatus
from schools.registers.base import HttpTransport, RegisterClient, parse_bin_cell, parse_cell

COLUMNS = ["bin", "licence_number", "issued_on", "levels", "status"]
NUMBER_MAX_LENGTH = 50


@dataclass(frozen=True)
class LicenceRecord:
    line: int
    bin: str
    number: str
    issued_on: dt.date
    levels: tuple[str, ...]
    status: str


def parse_levels(value: str) -> tuple[str, ...]:
    """``primary;basic`` → ("primary", "basic") in CONTRACT order; ValueError naming what is wrong."""
    parts = [part.strip().lower() for part in (value or "").split(";") if part.strip()]
    if not parts:
        raise ValueError(_("at least one level is required (primary, basic, general, separated by ;)"))
    unknown = [part for part in parts if part not in Level.values]
    if unknown:
        raise ValueError(_("unknown level(s) %(levels)s; use primary, basic, general") % {"levels": ", ".join(unknown)})
    return tuple(level for level in Level.values if level in parts)


def parse_licence_status(value: str) -> str:
    status = (value or "").strip().lower()
    if status not in LicenceStatus.values:
        raise ValueError(_("“%(value)s” is not a licence status; use active, suspended or revoked") % {"value": value})
    return status


class LicenceRegister(RegisterClient[LicenceRecord]):
    columns = COLUMNS
    optional: list[str] = []

    def key(self, record: LicenceRecord) -> tuple:
        return (record.bin, record.number)

    def parse(self, row: Row, errors: RowErrors) -> LicenceRecord | None:
        before = len(errors.errors)
        bin_value = parse_bin_cell(row, errors)
        number = row.data.get("licence_number", "")
        if not number:
            errors.add(row.line, "licence_number", _("a licence number is required"))
        elif len(number) > NUMBER_MAX_LENGTH:
            errors.add(row.line, "licence_number", _("longer than %(max)s characters") % {"max": NUMBER_MAX_LENGTH})
        issued_on = parse_cell(row, errors, "issued_on", parse_date)
        levels = parse_cell(row, errors, "levels", parse_levels)
        status = parse_cell(row, errors, "status", parse_licence_status)
        if len(errors.errors) > before:
            return None
        return LicenceRecord(line=row.line, bin=bin_value, number=number, issued_on=issued_on, levels=levels, status=status)


def licence_register_http(**overrides) -> LicenceRegister:
    """The licence register's web service, configured by ``LICENCE_REGISTER_URL`` and ``LICENCE_REGISTER_TOKEN``."""
    if not settings.LICENCE_REGISTER_URL:
        raise DomainError(_("The licence register's address is not configured (LICENCE_REGISTER_URL)."), code="not_configured")
    options = {
        "url": settings.LICENCE_REGISTER_URL, "token": settings.LICENCE_REGISTER_TOKEN,
        "timeout": settings.REGISTER_HTTP_TIMEOUT, "retries": settings.REGISTER_HTTP_RETRIES,
        "backoff": settings.REGISTER_HTTP_BACKOFF,
    }
    options.update(overrides)
    return LicenceRegister(HttpTransport(**options))
