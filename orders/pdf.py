"""The printable contract (PDF) in Kazakh, Russian or English.

A printable copy of the contract: its data, its full terms as the web shows them (in Kazakh and
Russian the text of the stored, signed document itself; in English a translation rendered from the
same template), both parties' details, blocks to sign on paper, and every signer on the portal (in
``SIGNATURE_MODE=cms`` with the certificate serial and time). The signed original is the stored
document (``ContractDocument``), whose SHA-256 the PDF prints.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.pdf import Heading, KeyValues, Paragraph, Signatures, SignHere, Table, pdf_document
from orders.choices import ContractParty
from orders.documents import DOCUMENT_LANGUAGES, contract_context
from orders.signing import SIGN
from signatures.pdf import signature_rows

PDF_LANGUAGES = ("kk", "ru", "en")


def _money(value) -> str:
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def contract_pdf(contract, *, language: str) -> bytes:
    title, blocks = contract_pdf_blocks(contract, language=language)
    with translation.override(language):  # the page footers are written in the PDF's language too
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
        signatures += [(_("Qualified electronic signature"), text)
                       for action, text in signature_rows(contract, with_action=True) if action == SIGN]
        if not signatures:
            signatures.append((_("Signatures"), _("Not signed yet.")))
        department_bin = getattr(getattr(region, "department", None), "bin", "")
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
                rows, numeric={1, 2, 3, 4}, nowrap={2, 4},
                total=[_("Total"), context["places_total"], "", "", _money(contract.total_amount)],
            ),
            Paragraph(_("The contract amount is the sum over the levels of places × monthly per-capita norm × months "
                        "of the period, rounded to the tiyn.")),
            Heading(_("Terms of the contract"), level=2),
            *_terms(contract, context, language),
            Heading(_("The parties"), level=2),
            KeyValues([
                (_("Department"), _("Education department — %(region)s") % {"region": region.name}),
                (_("BIN"), department_bin or "—"),
                (_("KATO"), region.kato or "—"),
            ]),
            KeyValues([
                (_("School"), school.name),
                (_("BIN"), school.bin),
                (_("Address"), school.address or "—"),
                (_("Bank account (IBAN)"), school.iban or "—"),
                (_("Bank"), " · ".join(value for value in (school.bank_name, school.bic) if value) or "—"),
                (_("Director"), school.director or "—"),
            ]),
            SignHere(_("For the department"), [(_("Head of the education department"), "")], note=_("Seal")),
            SignHere(_("For the school"), [(_("Director"), school.director or "")], note=_("Seal (if any)")),
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


def _terms_html(contract, context, language: str) -> str:
    """The section of the contract's terms in ``language``: from the stored, signed bytes when they hold it."""
    document = contract.document
    if document is not None and language in DOCUMENT_LANGUAGES:
        import lxml.html

        tree = lxml.html.fromstring(bytes(document.content).decode("utf-8"))
        sections = tree.xpath(f'//section[@lang="{language}"]')
        if sections:
            return lxml.html.tostring(sections[0], encoding="unicode")
    return render_to_string("orders/contract_document_section.html", {**context, "lang": language})


def _text(element) -> str:
    """The element's text, runs of ASCII white space as one space (no-break spaces in amounts are kept)."""
    return re.sub(r"[ \t\r\n]+", " ", element.text_content()).strip()


def _terms(contract, context, language: str) -> list:
    """The terms (headings, paragraphs, the table of places, the parties) as PDF blocks; the title is the PDF's own."""
    import lxml.html

    blocks = []
    section = lxml.html.fragment_fromstring(_terms_html(contract, context, language))
    for element in section:
        tag = element.tag
        if tag in ("h2", "h3"):
            blocks.append(Heading(_text(element), level=2))
        elif tag == "p":
            blocks.append(Paragraph(_text(element)))
        elif tag == "table":
            headers = [_text(cell) for cell in element.xpath("./thead/tr/th")]
            rows = [[_text(cell) for cell in row.xpath("./td|./th")] for row in element.xpath("./tbody/tr")]
            total = [_text(cell) for cell in element.xpath("./tfoot/tr/*")] or None
            blocks.append(Table(headers, rows, numeric={1, 2, 3, 4}, nowrap={2, 4}, total=total))
        elif tag == "dl":
            blocks.append(KeyValues([(_text(term), _text(term.getnext())) for term in element.xpath("./dt")]))
    return blocks


def _level(level: str) -> str:
    from programmes.labels import category_label

    return category_label(level)
