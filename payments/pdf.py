"""Printable acts and final reports (core.pdf blocks, in the active language)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.pdf import Heading, KeyValues, Paragraph, Signatures, Table, pdf_document
from payments.choices import LineDecision, LineRejectReason, PaymentStatus
from payments.models import Act, FinalReport
from schools.choices import Level


def money(value) -> str:
    return formats.number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


def act_pdf(*, act: Act, lines, submissions) -> bytes:
    contract, school = act.contract, act.school
    reasons = dict(LineRejectReason.choices)
    rows = []
    for number, line in enumerate(lines, start=1):
        decision = line.get_decision_display()
        if line.decision == LineDecision.REJECTED:
            decision = f"{decision}: {reasons.get(line.reject_reason, line.reject_reason)}"
        rows.append([number, line.iin, line.pupil_name, line.grade, line.get_level_display(), line.get_category_display(),
                     f"{line.days}/{line.days_in_month}", money(line.norm), line.coefficient, money(line.amount), decision])
    blocks = [
        Heading(_("Act of services rendered %(number)s") % {"number": act.number}),
        KeyValues([
            (_("Month"), f"{act.month:%m.%Y}"),
            (_("Contract"), contract.number),
            (_("School"), f"{school.name} ({_('BIN')} {school.bin})"),
            (_("Region"), str(contract.order.region)),
            (_("Status"), act.get_status_display()),
            (_("Version"), str(act.version)),
            (_("Due by"), _date(act.due_on)),
            (_("Submitted"), f"{_when(act.submitted_at)} {act.submitted_by or ''}".strip()),
            (_("Reviewed"), f"{_when(act.reviewed_at)} {act.reviewed_by or ''}".strip()),
            (_("Total"), money(act.total_amount)),
            (_("Accepted amount"), money(act.accepted_amount)),
        ]),
        Paragraph(_("Amount of a line = monthly norm × coefficient × days enrolled ÷ days in the month, rounded "
                    "half-up to 0.01 KZT once per line; the total is the sum of the lines."), small=True),
        Table(
            ["№", _("IIN"), _("Pupil"), _("Grade"), _("Level"), _("Category"), _("Days"), _("Norm"), _("Coefficient"),
             _("Amount"), _("Decision")],
            rows, numeric={0, 3, 6, 7, 8, 9},
            total=["", "", _("Total"), "", "", "", "", "", "", money(act.total_amount), money(act.accepted_amount)],
        ),
    ]
    if submissions:
        blocks.append(Heading(_("Submissions"), level=2))
        blocks.append(Table(
            [_("Version"), _("Submitted"), _("Lines"), _("Total"), _("Outcome"), _("Accepted amount"), _("SHA-256 of the lines")],
            [[s.version, _when(s.submitted_at), s.line_count, money(s.total_amount), s.get_outcome_display(),
              money(s.accepted_amount) if s.accepted_amount is not None else "—", s.lines_sha256[:16] + "…"]
             for s in submissions],
            numeric={0, 2, 3, 5},
        ))
    blocks.append(Signatures([
        (_("School"), f"{act.submitted_by or '—'} · {_when(act.submitted_at)}"),
        (_("Education department"), f"{act.reviewed_by or '—'} · {_when(act.reviewed_at)}"),
    ]))
    return pdf_document(title=_("Act %(number)s") % {"number": act.number}, blocks=blocks)


REPORT_COLUMNS = ("ordered", "contracted", "submitted", "accepted", "paid", "recovered")


def report_headers() -> list[str]:
    return [_("Month"), _("Level"), _("Ordered (region)"), _("Contracted"), _("Submitted"), _("Accepted"), _("Paid"),
            _("Recovered")]


def report_rows(figures: dict):
    """The month × level rows of a report, then a total row per month, as plain values."""
    levels = dict(Level.choices)
    for month in figures["months"]:
        for row in month["rows"]:
            yield [month["month"], str(levels.get(row["level"], row["level"])), *(Decimal(row[c]) for c in REPORT_COLUMNS)]
        yield [month["month"], _("Total"), *(Decimal(month["total"][c]) for c in REPORT_COLUMNS)]


def report_pdf(*, report: FinalReport, figures: dict) -> bytes:
    contract = figures["contract"]
    levels = dict(Level.choices)
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
            (_("Approved"), f"{_when(report.approved_at)} {report.approved_by or ''}".strip()),
            (_("SHA-256 of the figures"), report.figures_sha256 or "—"),
        ]),
        Heading(_("Places and norms"), level=2),
        Table([_("Level"), _("Ordered places"), _("Order norm"), _("Contracted places"), _("Contract norm")],
              [[levels.get(item["level"], item["level"]), item["ordered_places"] or "—",
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
