"""Money: ``Decimal`` amounts in KZT, rounded half-up to the tiyn (0.01) at one named place."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from django.utils import formats
from django.utils.translation import get_language

TIYN = Decimal("0.01")
ZERO = Decimal("0.00")


def round_money(value: Decimal) -> Decimal:
    """Round a money amount half-up to the tiyn (0.01 KZT): the only rounding of every money rule."""
    if not isinstance(value, Decimal):
        raise TypeError("money must be a Decimal")
    return value.quantize(TIYN, rounding=ROUND_HALF_UP)


@cache
def _separators(language: str | None) -> tuple[str, str] | None:
    """The decimal and thousand separators of ``language``, or None when it does not group by threes."""
    if formats.get_format("NUMBER_GROUPING", language) != 3:
        return None
    return formats.get_format("DECIMAL_SEPARATOR", language), formats.get_format("THOUSAND_SEPARATOR", language)


def money_text(value) -> str:
    """An amount with two decimals, rounded half-up, grouped as the active language groups (1 234 567,50 in kk
    and ru): what ``floatformat(value, "2g")`` writes (a property test binds them), at a fraction of its cost —
    a page of act lines writes hundreds of amounts. An unreadable value gives "" as floatformat does."""
    from django.template.defaultfilters import floatformat

    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return ""
    separators = _separators(get_language())
    if separators is None or not amount.is_finite():
        return floatformat(value, "2g")
    try:
        rounded = amount.quantize(TIYN, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the decimal context holds
        return floatformat(value, "2g")
    text = f"{rounded if rounded else abs(rounded):,.2f}"  # no "-0.00"
    decimal_separator, thousand_separator = separators
    return text.replace(",", "\0").replace(".", decimal_separator).replace("\0", thousand_separator)
