"""The printable contract (PDF) in Kazakh, Russian or English.

A printable copy of the contract's data and its signatures. The signed original is the
stored document (``ContractDocument``), whose SHA-256 the PDF prints.
"""

from __future__ import annotations

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.pdf import Heading, KeyValues, Paragraph, Signatures, Table, pdf_document
from orders.choices import ContractParty
from orders.documents import contract_context

PDF_LANGUAGES = ("kk", "ru", "en")


def _money(value) -> str:
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def contract_pdf(contract, *, language: str) -> bytes:
    title, blocks = contract_pdf_blocks(contract, language=language)
    return pdf_document(title=title, blocks=blocks)


def contract_pdf_blocks(contract, *, language: str) -> tuple[str, list]:
    """The PDF's title and blocks (core.pdf) in ``language``."""
    if language not in PDF_LANGUAGES:
        raise ValueError(language)
    with translation.override(language):
        context = contract_context(contract)
        order, school, region = context["order"], context["school"], context["region"]
        document = contract.document
        title = _("Contract No. %(number)s on placing the state educational order") % {"number": contract.number}
        rows = [
            [_level(row["level"]), row["places"], _money(row["monthly_norm"]), contract.months, _money(row["amount"])]
            for row in context["levels"]
        ]
        signatures = []
        for signature in contract.signatures.order_by("signed_at", "id"):
            party = _("School") if signature.party == ContractParty.SCHOOL else _("Department")
            when = timezone.localtime(signature.signed_at).strftime("%d.%m.%Y %H:%M:%S")
            signatures.append((party, f"{signature.signer_name} · {when} · SHA-256 {signature.sha256}"))
        if not signatures:
            signatures.append((_("Signatures"), _("Not signed yet.")))
        blocks = [
            Heading(title),
            KeyValues([
                (_("Status"), str(contract.get_status_display())),
                (_("Date"), _date(context["made_on"])),
                (_("State order"), f"{order.programme_code} · {order.school_year_label}"),
                (_("Department"), _("Education department — %(region)s") % {"region": region.name}),
                (_("School"), f"{school.name}, {_('BIN')} {school.bin}"),
                (_("Address"), school.address or "—"),
                (_("Bank account (IBAN)"), school.iban or "—"),
                (_("Period"), f"{_date(contract.period_start)} – {_date(contract.period_end)} ({contract.months})"),
                (_("Coefficient for special educational needs"), _money(order.sen_coefficient)),
                (_("Total amount, KZT"), _money(contract.total_amount)),
            ]),
            Table(
                [_("Level"), _("Places"), _("Monthly per-capita norm, KZT"), _("Months"), _("Amount, KZT")],
                rows, numeric={1, 2, 3, 4},
                total=[_("Total"), context["places_total"], "", "", _money(contract.total_amount)],
            ),
            Paragraph(_("The contract amount is the sum over the levels of places × monthly per-capita norm × months "
                        "of the period, rounded to the tiyn.")),
            Heading(_("Signatures"), level=2),
            Signatures(signatures),
        ]
        if contract.status_reason:
            blocks.insert(2, Paragraph(_("Reason: %(reason)s") % {"reason": contract.status_reason}))
        if document is not None:
            blocks.append(Paragraph(
                _("This is a printable copy. The signed original is the contract document kept on the portal "
                  "(version %(version)s, SHA-256 %(sha256)s).") % {"version": document.version, "sha256": document.sha256},
                small=True,
            ))
        return title, blocks


def _level(level: str) -> str:
    from programmes.labels import category_label

    return category_label(level)
