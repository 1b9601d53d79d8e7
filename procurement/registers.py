"""The register of unreliable suppliers as procurement reads it.

"A BIN is on the register on D" has one home, ``schools.rules`` (``register_entry_in_force`` and its
ORM and SQL forms, which the check S03 uses too); this module only reads a supplier's entries with
it and shapes them as evidence.
"""

from __future__ import annotations

import datetime as dt

from schools.models import UnreliableSupplierEntry
from schools.rules import register_entry_in_force_q


def supplier_entries_on(bin_value: str, day: dt.date):
    """The register entries of ``bin_value`` in force on ``day`` (empty when the supplier is not on it)."""
    return UnreliableSupplierEntry.objects.filter(register_entry_in_force_q(day), bin=bin_value).order_by("included_on", "id")


def entry_evidence(entry) -> dict:
    return {"bin": entry.bin, "included_on": entry.included_on.isoformat(), "reason": entry.reason,
            "excluded_on": entry.excluded_on.isoformat() if entry.excluded_on else None}
