"""The register of unreliable suppliers as procurement reads it: "a BIN is on the register on D".

# moves to schools.rules at merge (issue 9 gives this rule its home there; the check S03 uses it too)
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


# moves to schools.rules at merge
def in_force_q(day) -> Q:
    """Entries of the register in force on ``day`` (a date or a query expression such as ``OuterRef``).

    In force: included on or before the day and not excluded by it (``excluded_on`` after the day) —
    the rule of ``UnreliableSupplierEntry.is_in_force_on`` and of the check S03.
    """
    return Q(included_on__lte=day) & (Q(excluded_on__isnull=True) | Q(excluded_on__gt=day))


# moves to schools.rules at merge
def supplier_entries_on(bin_value: str, day: dt.date):
    """The register entries of ``bin_value`` in force on ``day`` (empty when the supplier is not on it)."""
    from schools.models import UnreliableSupplierEntry

    return UnreliableSupplierEntry.objects.filter(in_force_q(day), bin=bin_value).order_by("included_on", "id")


def entry_evidence(entry) -> dict:
    return {"bin": entry.bin, "included_on": entry.included_on.isoformat(), "reason": entry.reason,
            "excluded_on": entry.excluded_on.isoformat() if entry.excluded_on else None}
