"""Strict parsing of the values read from files and outside systems: one parser, one set of messages.

Every importer (schools, licences, unreliable suppliers, contingent, NOBD snapshots, bank
confirmations) and every command option that takes a date reads values with these functions. Each
returns the value, or ``None`` for an empty optional value, or raises ``ValueError`` whose message
(translated, in the active language) says what is wrong; importers add the line and the column.

Accepted forms — anything else is refused, never guessed:

* **date** — exactly ``YYYY-MM-DD`` in ASCII digits, a real calendar date, in the years
  ``FIRST_DATE``–``LAST_DATE`` (1800–2099, the centuries an IIN can encode). Refused: ``20250901``,
  ``2025-9-1``, ``2025-02-30``, ``01.09.2025``, ``2025/09/01``, surrounding spaces, other digits
  (``٢٠٢٥-٠٩-٠١``), a time after the date.
* **month** — ``YYYY-MM`` in ASCII digits (``2025-10``), or a date as above (its month); the first
  day of the month is returned. Refused: ``202510``, ``2025-1``, ``2025-13``, ``20250901``.
* **whole number** — ASCII digits with no leading zero (``0``, ``7``, ``1200``), optionally a leading
  ``-``; refused: ``+7``, ``07``, ``7.0``, ``1e3``, ``1_000``, ``１２``, spaces. Its range is given
  by the caller. Each number has one spelling, ``str(n)``, so SQL can compare text with
  ``whole_number_spellings``.
* **amount** (KZT) — digits, optionally grouped by three with a space, a no-break space or a narrow
  no-break space, then optionally ``.`` or ``,`` and one or two decimals: ``1234.50``, ``1234,5``,
  ``1 234 567,50``, ``0.01``. Refused: a sign, ``1e3``, ``NaN``, ``Infinity``, three or more
  decimals, ``1,234.50``, ``.5``, ``5.``, a leading zero (``01``), misplaced group spaces.
  An amount has at most 14 digits before the decimals (``DecimalField(16, 2)``).
* IIN, BIN and IBAN: :mod:`core.identifiers`.

File readers (``core.tabular``) trim the spaces around each cell of a CSV or XLSX file before these
parsers see it; a value given any other way (an NOBD snapshot loaded by COPY, a command option) is
parsed as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext as _

FIRST_DATE, LAST_DATE = dt.date(1800, 1, 1), dt.date(2099, 12, 31)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])", re.ASCII)
_WHOLE = re.compile(r"-?(?:0|[1-9][0-9]*)", re.ASCII)
_GROUP_SPACE = "[ \u00a0\u202f]"
_AMOUNT = re.compile(
    rf"(?P<units>0|[1-9][0-9]*|[1-9][0-9]{{0,2}}(?:{_GROUP_SPACE}[0-9]{{3}})+)(?:[.,](?P<decimals>[0-9]{{1,2}}))?",
    re.ASCII,
)
AMOUNT_MAX_UNITS = 14


def parse_date(value: str | None, *, required: bool = True) -> dt.date | None:
    """A date written exactly ``YYYY-MM-DD`` (see the module's description)."""
    if not value:
        if required:
            raise ValueError(_("a date is required"))
        return None
    if not _DATE.fullmatch(value):
        raise ValueError(_("“%(value)s” is not a date in the form YYYY-MM-DD") % {"value": value})
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:  # 2025-02-30, 2025-13-01 …
        raise ValueError(_("“%(value)s” is not a real calendar date") % {"value": value}) from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(_("%(value)s is outside the years %(first)s–%(last)s")
                         % {"value": value, "first": FIRST_DATE.year, "last": LAST_DATE.year})
    return day


def parse_month(value: str | None) -> dt.date:
    """A month written ``YYYY-MM`` (or a ``YYYY-MM-DD`` date in it) → its first day."""
    value = value or ""
    if match := _MONTH.fullmatch(value):
        day = dt.date(int(match["year"]), int(match["month"]), 1)
        if not FIRST_DATE <= day <= LAST_DATE:
            raise ValueError(_("%(value)s is outside the years %(first)s–%(last)s")
                             % {"value": value, "first": FIRST_DATE.year, "last": LAST_DATE.year})
        return day
    if _DATE.fullmatch(value):
        return parse_date(value).replace(day=1)
    raise ValueError(_("“%(value)s” is not a month in the form YYYY-MM") % {"value": value})


def parse_int(value: str | None, *, minimum: int | None = None, maximum: int | None = None, required: bool = True) -> int | None:
    """A whole number written in plain digits, within ``minimum``–``maximum`` (either may be open)."""
    if not value:
        if required:
            raise ValueError(_("a whole number is required"))
        return None
    if not _WHOLE.fullmatch(value) or value == "-0":
        raise ValueError(_("“%(value)s” is not a whole number written in digits") % {"value": value})
    number = int(value)
    if minimum is not None and maximum is not None and not minimum <= number <= maximum:
        raise ValueError(_("%(value)s is outside %(min)s–%(max)s") % {"value": number, "min": minimum, "max": maximum})
    if minimum is not None and number < minimum:
        raise ValueError(_("%(value)s is less than %(min)s") % {"value": number, "min": minimum})
    if maximum is not None and number > maximum:
        raise ValueError(_("%(value)s is more than %(max)s") % {"value": number, "max": maximum})
    return number


def whole_number_spellings(minimum: int, maximum: int) -> list[str]:
    """Every text ``parse_int`` accepts within ``minimum``–``maximum``: for SQL that compares text."""
    return [str(number) for number in range(minimum, maximum + 1)]


def parse_amount(value: str | None, *, required: bool = True) -> Decimal | None:
    """An amount of money with at most two decimals (see the module's description), as a Decimal."""
    if not value:
        if required:
            raise ValueError(_("an amount is required"))
        return None
    match = _AMOUNT.fullmatch(value)
    if match is None:
        raise ValueError(_("“%(value)s” is not an amount: write digits with at most 2 decimals, like 1234.50 or 1 234,50")
                         % {"value": value})
    units = re.sub(_GROUP_SPACE, "", match["units"])
    if len(units) > AMOUNT_MAX_UNITS:
        raise ValueError(_("%(value)s is too large for an amount") % {"value": value})
    return Decimal(f"{units}.{(match['decimals'] or '').ljust(2, '0')}")
