"""Printable final reports (core.pdf blocks, in the active language): page "x of y", dates in the
language's own formats (Kazakh: 30.11.2026, "2026 жылғы 30 қараша"), amounts never wrapped, and an
approval block (who approved, when, the SHA-256 of the approved figures, lines to sign on paper)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import dates, formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from acts.pdf import money, short_datetime
from core.models import Region
from core.pdf import Heading, KeyValues, Signatures, SignHere, Table, pdf_document
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


def short_date(value: str | dt.date | None) -> str:
    """An ISO date (as the frozen figures keep it) in the language's short format: 01.09.2026."""
    if not value:
        return "—"
    return formats.date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")


def period_label(key: str) -> str:
    """A period key of the figures ("2026-09") as printed: 09.2026."""
    year, month = key.split("-")[:2]
    return f"{month}.{year}"


def long_date(value: dt.date) -> str:
    """A date in words, as official papers write it: "2026 жылғы 30 қараша", "30 ноября 2026 г.", "30 November 2026"."""
    month = str(dates.MONTHS_ALT[value.month])  # the genitive where the language has one ("ноября")
    if (get_language() or "").startswith("kk"):
        month = month.lower()  # Kazakh writes the month in lower case inside a date
    return _("%(day)s %(month)s %(year)s") % {"day": value.day, "month": month, "year": value.year}


def _approval(report: FinalReport, region: str) -> list:
    approved = report.approved_at is not None
    approver = report.approved_by
    name = (approver.get_full_name() or approver.get_username()) if approver else ""
    when = timezone.localtime(report.approved_at) if approved else None
    rows = [(_("Approved"), f"{name} · {long_date(when.date())} {when:%H:%M}" if approved else _("Not approved yet.")),
            (_("SHA-256 of the figures"), report.figures_sha256 or "—")]
    return [
        Heading(_("Approval"), level=2),
        Signatures(rows),
        SignHere(_("Approved by the education department — %(region)s") % {"region": region}, [
            (_("Head of the education department"), ""),
            (_("Responsible officer"), name),
        ], note=_("Seal")),
    ]


def report_pdf(*, report: FinalReport, figures: dict) -> bytes:
    contract = figures["contract"]
    settlement = figures["settlement"]
    school = contract["school_kk"] if (get_language() or "kk").startswith("kk") else contract["school_ru"]
    region = Region.objects.filter(pk=contract["region"]).first()
    blocks = [
        Heading(_("Final report %(year)s–%(next)s") % {"year": report.school_year, "next": report.school_year + 1}),
        KeyValues([
            (_("Contract"), contract["number"]),
            (_("School"), f"{school} ({_('BIN')} {contract['bin']})"),
            (_("Budget programme"), contract["programme_code"]),
            (_("Period"), f"{short_date(contract['period_start'])} – {short_date(contract['period_end'])}"),
            (_("Status"), report.get_status_display()),
            (_("Approved"), f"{short_datetime(report.approved_at)} {report.approved_by or ''}".strip()),
            (_("SHA-256 of the figures"), report.figures_sha256 or "—"),
        ]),
        Heading(_("Places and norms"), level=2),
        Table([_("Level"), _("Ordered places"), _("Order norm"), _("Contracted places"), _("Contract norm")],
              [[category_label(item["level"]), item["ordered_places"] or "—",
                money(item["ordered_norm"]) if item["ordered_norm"] else "—", item["contracted_places"], money(item["norm"])]
               for item in figures["levels"]], numeric={1, 2, 3, 4}, nowrap={2, 4}),
        Heading(_("By month and level"), level=2),
        Table(report_headers(),
              [[period_label(row[0]), row[1], *(money(v) for v in row[2:])] for row in report_rows(figures)],
              numeric={2, 3, 4, 5, 6, 7}, nowrap={0, 2, 3, 4, 5, 6, 7},
              total=["", _("Total"), *(money(figures["total"][c]) for c in REPORT_COLUMNS)]),
        Heading(_("Payments"), level=2),
        Table([_("Payment"), _("Month"), _("Status"), _("Accepted amount"), _("Recoveries offset"), _("Transferred")],
              [[p["reference"], period_label(p["month"]), PaymentStatus(p["status"]).label, money(p["accepted"]),
                money(p["offset"]), money(p["amount"])]
               for p in figures["payments"]], numeric={3, 4, 5}, nowrap={0, 1, 3, 4, 5}),
        KeyValues([
            (_("Paid (accepted lines of paid acts)"), money(settlement["paid_gross"])),
            (_("Recoveries offset"), money(settlement["offset_applied"])),
            (_("Transferred"), money(settlement["transferred"])),
            (_("Recoveries recorded"), money(settlement["recoveries_recorded"])),
            (_("Recoveries still to offset"), money(settlement["recoveries_outstanding"])),
            (_("Reconciled to the tiyn"), _("yes") if figures["balanced"] else _("NO")),
        ]),
        *_approval(report, region.name if region else contract["region"]),
    ]
    title = _("Final report %(year)s–%(next)s") % {"year": report.school_year, "next": report.school_year + 1}
    return pdf_document(title=_("Final report"), blocks=blocks, footer=f"{title} · {contract['number']}", landscape=True)
