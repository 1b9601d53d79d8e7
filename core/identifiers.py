"""Kazakhstan identifiers: IIN (a person), BIN (a legal entity), KZ IBAN.

Each ``parse_*`` function returns what the number encodes or raises Django's
``ValidationError`` with a translated message; the ``validate_*`` wrappers are
the model/form/serializer validators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# Digit 7 of an IIN: century of birth and sex.
CENTURY_SEX = {
    "1": (1800, "male"),
    "2": (1800, "female"),
    "3": (1900, "male"),
    "4": (1900, "female"),
    "5": (2000, "male"),
    "6": (2000, "female"),
}
# Digit 5 of a BIN: kind of entity; digit 6: kind of unit.
BIN_ENTITY_TYPES = {"4": "resident", "5": "non_resident", "6": "entrepreneur"}
BIN_UNIT_TYPES = {"0": "head", "1": "branch", "2": "representative", "3": "farm"}


def check_digit(first_eleven: str) -> int | None:
    """The 12th digit for these 11 digits, or None when no check digit exists."""
    digits = [int(c) for c in first_eleven]
    value = sum(d * w for d, w in zip(digits, WEIGHTS_FIRST, strict=True)) % 11
    if value == 10:
        value = sum(d * w for d, w in zip(digits, WEIGHTS_SECOND, strict=True)) % 11
        if value == 10:
            return None
    return value


def _twelve_digits(value: str, label) -> str:
    value = (value or "").strip()
    if len(value) != 12 or not value.isdigit() or not value.isascii():
        raise ValidationError(
            _("%(label)s must be exactly 12 digits."), code="format", params={"label": label}
        )
    if check_digit(value[:11]) != int(value[11]):
        raise ValidationError(
            _("%(label)s %(value)s fails its check digit."),
            code="check_digit",
            params={"label": label, "value": value},
        )
    return value


@dataclass(frozen=True)
class IinInfo:
    iin: str
    birth_date: dt.date
    sex: str  # "male" or "female"


def parse_iin(value: str) -> IinInfo:
    value = _twelve_digits(value, _("IIN"))
    marker = value[6]
    if marker not in CENTURY_SEX:
        raise ValidationError(
            _("IIN %(value)s: digit 7 must be 1–6 (century and sex), not %(digit)s."),
            code="century",
            params={"value": value, "digit": marker},
        )
    century, sex = CENTURY_SEX[marker]
    try:
        birth_date = dt.date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        raise ValidationError(
            _("IIN %(value)s: digits 1–6 are not a real birth date."),
            code="birth_date",
            params={"value": value},
        ) from None
    return IinInfo(iin=value, birth_date=birth_date, sex=sex)


def validate_iin(value: str) -> None:
    parse_iin(value)


def validate_iin_matches_birth_date(iin: str, birth_date: dt.date) -> None:
    info = parse_iin(iin)
    if info.birth_date != birth_date:
        raise ValidationError(
            _("IIN %(value)s encodes birth date %(encoded)s, not %(given)s."),
            code="birth_date_mismatch",
            params={"value": iin, "encoded": info.birth_date.isoformat(), "given": birth_date.isoformat()},
        )


@dataclass(frozen=True)
class BinInfo:
    bin: str
    registered_year: int
    registered_month: int
    entity_type: str
    unit_type: str


def parse_bin(value: str) -> BinInfo:
    value = _twelve_digits(value, _("BIN"))
    month = int(value[2:4])
    if not 1 <= month <= 12:
        raise ValidationError(
            _("BIN %(value)s: digits 3–4 must be the registration month (01–12)."),
            code="month",
            params={"value": value},
        )
    if value[4] not in BIN_ENTITY_TYPES:
        raise ValidationError(
            _("BIN %(value)s: digit 5 must be 4 (resident), 5 (non-resident) or 6 (entrepreneur)."),
            code="entity_type",
            params={"value": value},
        )
    if value[5] not in BIN_UNIT_TYPES:
        raise ValidationError(
            _("BIN %(value)s: digit 6 must be 0 (head office), 1 (branch), 2 (representative office) or 3 (farm)."),
            code="unit_type",
            params={"value": value},
        )
    year = int(value[0:2])
    return BinInfo(
        bin=value,
        registered_year=(2000 + year) if year < 90 else (1900 + year),
        registered_month=month,
        entity_type=BIN_ENTITY_TYPES[value[4]],
        unit_type=BIN_UNIT_TYPES[value[5]],
    )


def validate_bin(value: str) -> None:
    parse_bin(value)


def normalize_iban(value: str) -> str:
    return "".join((value or "").split()).upper()


def validate_kz_iban(value: str) -> None:
    """A Kazakhstan IBAN: KZ, 2 check digits, 3-digit bank code, 13 characters; mod-97."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    value = normalize_iban(value)
    if not value.startswith("KZ") or len(value) != 20:
        raise ValidationError(
            _("The account must be a Kazakhstan IBAN: KZ and 18 more characters, 20 in all."),
            code="iban_format",
        )
    try:
        IBAN(value, validate_bban=True)
    except SchwiftyException:
        raise ValidationError(
            _("IBAN %(value)s is not valid: its check digits do not match."),
            code="iban_check",
            params={"value": value},
        ) from None


def iban_bank_code(value: str) -> str:
    return normalize_iban(value)[4:7]


def make_iin(birth_date: dt.date, sex: str, serial: int) -> str | None:
    """Build a valid IIN for a birth date, sex and 4-digit serial (None if no check digit exists).

    Used by the demo data and the benchmark generator.
    """
    century = (birth_date.year // 100) * 100
    marker = {(c, s): m for m, (c, s) in CENTURY_SEX.items()}[(century, sex)]
    body = f"{birth_date:%y%m%d}{marker}{serial:04d}"
    digit = check_digit(body)
    return None if digit is None else f"{body}{digit}"


def make_bin(year: int, month: int, serial: int, entity: str = "4", unit: str = "0") -> str | None:
    body = f"{year % 100:02d}{month:02d}{entity}{unit}{serial:05d}"
    digit = check_digit(body)
    return None if digit is None else f"{body}{digit}"
