"""Printable final reports (core.pdf blocks, in the active language)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from acts.pdf import money, short_datetime
from core.pdf import Heading, KeyValues, Table, pdf_document
from payments.choices import PaymentStatus
from payments.models import FinalReport
from programmes.labels import category_label

REPORT_COLUMNS = ("ordered", "contracted", "submitted", "accepted", "paid", "recovered")


def report_headers() -> list[str]:
    return [_("Period"), _("Category"), _("Ordered (region)"), _("Contracted"), _("Submitted"), _("Accepted"), _("Paid"),
            _("Recovered")]


def report_rows(figures: dict):
    """The month × level rows of a report, then a total row per month, as plain values."""
    for month in figures["months"]:
        for row in month["rows"]:
            yield [month["month"], category_label(row["level"]), *(Decimal(row[c]) for c in REPORT_COLUMNS)]
        yield [month["month"], _("Total"), *(Decimal(month["total"][c]) for c in REPORT_COLUMNS)]


def report_pdf(*, report: FinalReport, figures: dict) -> bytes:
    contract = figures["contract"]
    settlement = figures["settlement"]
    school = contract["school_kk"] if (get_language() or "kk").startswith("kk") else contract["school_ru"]
    blocks = [
        Heading(_("Final report %(year)s–%(next)s") % {"year": report.school_year, "next": report.school_year + 1}),
        KeyValues([
            (_("Contract"), contract["number"]),
            (_("School"), f"{school} ({_('BIN')} {contract['bin']})"),
            (_("Budget programme"), contract["programme_code"]),
            (_("Period"), f"{contract['period_start']} – {contract['period_end']}"),
            (_("Status"), report.get_status_display()),
            (_("Approved"), f"{short_datetime(report.approved_at)} {report.approved_by or ''}".strip()),
            (_("SHA-256 of the figures"), report.figures_sha256 or "—"),
        ]),
        Heading(_("Places and norms"), level=2),
        Table([_("Level"), _("Ordered places"), _("Order norm"), _("Contracted places"), _("Contract norm")],
              [[category_label(item["level"]), item["ordered_places"] or "—",
                money(item["ordered_norm"]) if item["ordered_norm"] else "—", item["contracted_places"], money(item["norm"])]
               for item in figures["levels"]], numeric={1, 2, 3, 4}),
        Heading(_("By month and level"), level=2),
        Table(report_headers(),
              [[row[0], row[1], *(money(v) for v in row[2:])] for row in report_rows(figures)],
              numeric={2, 3, 4, 5, 6, 7},
              total=["", _("Total"), *(money(figures["total"][c]) for c in REPORT_COLUMNS)]),
        Heading(_("Payments"), level=2),
        Table([_("Payment"), _("Month"), _("Status"), _("Accepted amount"), _("Recoveries offset"), _("Transferred")],
              [[p["reference"], p["month"], PaymentStatus(p["status"]).label, money(p["accepted"]), money(p["offset"]), money(p["amount"])]
               for p in figures["payments"]], numeric={3, 4, 5}),
        KeyValues([
            (_("Paid (accepted lines of paid acts)"), money(settlement["paid_gross"])),
            (_("Recoveries offset"), money(settlement["offset_applied"])),
            (_("Transferred"), money(settlement["transferred"])),
            (_("Recoveries recorded"), money(settlement["recoveries_recorded"])),
            (_("Recoveries still to offset"), money(settlement["recoveries_outstanding"])),
            (_("Reconciled to the tiyn"), _("yes") if figures["balanced"] else _("NO")),
        ]),
    ]
    return pdf_document(title=_("Final report"), blocks=blocks)
