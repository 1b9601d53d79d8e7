"""Bank name and BIC from a Kazakhstan IBAN (the bank code, digits 5–7), from schwifty's bank registry."""

from __future__ import annotations

from core.identifiers import normalize_iban


def bank_for_iban(iban: str) -> tuple[str, str]:
    """(bank name, BIC) of the bank that keeps ``iban``; ("", "") when the bank code is unknown."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        bank = IBAN(normalize_iban(iban)).bank
    except SchwiftyException:
        return "", ""
    if not bank:
        return "", ""
    return (getattr(bank, "name", "") or "")[:200], str(getattr(bank, "bic", "") or "")[:11]
