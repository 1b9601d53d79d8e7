"""The contract's document: the text the parties read and sign, in Kazakh and Russian.

Rendered ONCE, when the contract is drawn up, and stored byte for byte in
``ContractDocument``; signatures name the sha256 of those bytes. Pages and the API serve the
stored bytes, never a fresh rendering, so later changes to this template or to reference data
(a school's name, a translation) cannot change what was signed.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from orders.amounts import levels_total
from orders.choices import level_sort_key

DOCUMENT_LANGUAGES = ("kk", "ru")


def contract_context(contract) -> dict:
    levels = []
    for row in sorted(contract.levels.all(), key=lambda row: level_sort_key(row.level)):
        levels.append({
            "level": row.level, "places": row.places, "monthly_norm": row.monthly_norm,
            "amount": levels_total([(row.places, row.monthly_norm)], contract.months),
        })
    order = contract.order
    return {
        "contract": contract,
        "order": order,
        "school": contract.school,
        "region": order.region,
        "levels": levels,
        "places_total": sum(row["places"] for row in levels),
        "made_on": timezone.localdate(contract.created_at),
    }


def render_contract_document(contract) -> bytes:
    """The HTML document (UTF-8 bytes): the Kazakh text, then the Russian text."""
    context = contract_context(contract)
    sections = []
    for language in DOCUMENT_LANGUAGES:
        with translation.override(language):
            sections.append(render_to_string("orders/contract_document_section.html", {**context, "lang": language}))
    html = render_to_string("orders/contract_document.html", {**context, "sections": sections})
    return html.encode("utf-8")
