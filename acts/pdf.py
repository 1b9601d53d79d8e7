"""The printable act (core.pdf blocks, in the active language)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from acts.choices import LineDecision, LineRejectReason
from acts.models import Act
from core.pdf import Heading, KeyValues, Paragraph, Signatures, Table, pdf_document


def money(value) -> str:
    return formats.number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)


def short_date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def short_datetime(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


def act_pdf(*, act: Act, lines, submissions) -> bytes:
    contract, school = act.contract, act.school
    reasons = dict(LineRejectReason.choices)
    rows = []
    for number, line in enumerate(lines, start=1):
        decision = line.get_decision_display()
        if line.decision == LineDecision.REJECTED:
            decision = f"{decision}: {reasons.get(line.reject_reason, line.reject_reason)}"
        rows.append([number, line.iin, line.pupil_name, line.grade, line.level_label, line.get_category_display(),
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
            (_("Due by"), short_date(act.due_on)),
            (_("Submitted"), f"{short_datetime(act.submitted_at)} {act.submitted_by or ''}".strip()),
            (_("Reviewed"), f"{short_datetime(act.reviewed_at)} {act.reviewed_by or ''}".strip()),
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
            [[s.version, short_datetime(s.submitted_at), s.line_count, money(s.total_amount), s.get_outcome_display(),
              money(s.accepted_amount) if s.accepted_amount is not None else "—", s.lines_sha256[:16] + "…"]
             for s in submissions],
            numeric={0, 2, 3, 5},
        ))
    blocks.append(Signatures([
        (_("School"), f"{act.submitted_by or '—'} · {short_datetime(act.submitted_at)}"),
        (_("Education department"), f"{act.reviewed_by or '—'} · {short_datetime(act.reviewed_at)}"),
    ]))
    return pdf_document(title=_("Act %(number)s") % {"number": act.number}, blocks=blocks)
