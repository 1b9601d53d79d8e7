"""Money: ``Decimal`` amounts in KZT, rounded half-up to the tiyn (0.01) at one named place."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TIYN = Decimal("0.01")
ZERO = Decimal("0.00")


def round_money(value: Decimal) -> Decimal:
    """Round a money amount half-up to the tiyn (0.01 KZT): the only rounding of every money rule."""
    if not isinstance(value, Decimal):
        raise TypeError("money must be a Decimal")
    return value.quantize(TIYN, rounding=ROUND_HALF_UP)
