"""The printable act (core.pdf blocks, in the active language): landscape, page "x of y".

IINs, days, norms, coefficients and amounts are never wrapped (``Table.nowrap``); the act's number
and the SHA-256 of its lines (as submitted: ``acts.signing``) head it; the school's signature blocks
(director, chief accountant), the department's acceptance block and every signer of the act (the
confirmations, and in ``SIGNATURE_MODE=cms`` each qualified signature with its certificate serial and
time) close it.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from acts.choices import LineDecision, LineRejectReason
from acts.models import Act
from acts.signing import act_lines_digest
from core.pdf import Heading, KeyValues, Paragraph, Signatures, SignHere, Table, pdf_document
from signatures.pdf import signature_rows


def money(value) -> str:
    return formats.number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)


def short_date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def short_datetime(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


def _person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _signers(act: Act) -> list[tuple[str, str]]:
    """Who moved the act (the portal's record) and each qualified signature of its steps."""
    labels = {
        "submit": _("Submitted by the school"), "accept": _("Accepted by the education department"),
        "partly-accept": _("Partly accepted by the education department"),
        "prepare-payment": _("Payment prepared by the operator"),
    }
    rows = [
        (_("Submitted by the school"), f"{_person(act.submitted_by)} · {short_datetime(act.submitted_at)}"),
        (_("Reviewed by the education department"), f"{_person(act.reviewed_by)} · {short_datetime(act.reviewed_at)}"),
    ]
    rows += [(labels.get(action, action), _("Qualified electronic signature: %(signature)s") % {"signature": text})
             for action, text in signature_rows(act, with_action=True)]
    return rows


def act_pdf(*, act: Act, lines, submissions) -> bytes:
    contract, school = act.contract, act.school
    reasons = dict(LineRejectReason.choices)
    rows = []
    counts = {LineDecision.ACCEPTED: 0, LineDecision.REJECTED: 0, LineDecision.PENDING: 0}
    rejected_amount = Decimal("0")
    for number, line in enumerate(lines, start=1):
        decision = line.get_decision_display()
        counts[line.decision] = counts.get(line.decision, 0) + 1
        if line.decision == LineDecision.REJECTED:
            decision = f"{decision}: {reasons.get(line.reject_reason, line.reject_reason)}"
            rejected_amount += line.amount
        rows.append([number, line.iin, line.pupil_name, line.grade, line.level_label, line.get_category_display(),
                     f"{line.days}/{line.days_in_month}", money(line.norm), line.coefficient, money(line.amount), decision])
    line_count, _total, lines_sha256 = act_lines_digest(act)
    region = contract.order.region
    department_bin = getattr(getattr(region, "department", None), "bin", "")
    blocks = [
        Heading(_("Act of services rendered %(number)s") % {"number": act.number}),
        KeyValues([
            (_("Act number"), act.number),
            (_("Month"), f"{act.month:%m.%Y}"),
            (_("Contract"), contract.number),
            (_("School"), f"{school.name} ({_('BIN')} {school.bin})"),
            (_("Region"), str(region)),
            (_("Status"), act.get_status_display()),
            (_("Version"), str(act.version)),
            (_("Due by"), short_date(act.due_on)),
            (_("SHA-256 of the lines"), lines_sha256),
        ]),
        Paragraph(_("Amount of a line = monthly norm × coefficient × days enrolled ÷ days in the month, rounded "
                    "half-up to 0.01 KZT once per line; the total is the sum of the lines."), small=True),
        Table(
            ["№", _("IIN"), _("Pupil"), _("Grade"), _("Level"), _("Category"), _("Days"), _("Norm"), _("Coefficient"),
             _("Amount"), _("Decision")],
            rows, numeric={0, 3, 6, 7, 8, 9}, nowrap={1, 6, 7, 8, 9},
            widths=[4, 10, 17, 6, 13, 9, 6, 9, 8, 10, 12],
            total=["", "", _("Total"), "", "", "", "", "", "", money(act.total_amount), ""],
        ),
        Heading(_("Totals"), level=2),
        KeyValues([
            (_("Lines"), str(line_count)),
            (_("Total"), money(act.total_amount)),
            (_("Accepted lines / amount"), f"{counts[LineDecision.ACCEPTED]} · {money(act.accepted_amount)}"),
            (_("Rejected lines / amount"), f"{counts[LineDecision.REJECTED]} · {money(rejected_amount)}"),
            (_("Not decided lines"), str(counts[LineDecision.PENDING])),
        ]),
    ]
    if submissions:
        blocks.append(Heading(_("Submissions"), level=2))
        blocks.append(Table(
            [_("Version"), _("Submitted"), _("Lines"), _("Total"), _("Outcome"), _("Accepted amount"), _("SHA-256 of the lines")],
            [[s.version, short_datetime(s.submitted_at), s.line_count, money(s.total_amount), s.get_outcome_display(),
              money(s.accepted_amount) if s.accepted_amount is not None else "—", s.lines_sha256]
             for s in submissions],
            numeric={0, 2, 3, 5}, nowrap={1, 3, 5, 6}, widths=[6, 13, 5, 11, 12, 11, 42],
        ))
    blocks += [
        SignHere(_("For the school: %(school)s, BIN %(bin)s") % {"school": school.name, "bin": school.bin}, [
            (_("Director"), school.director or ""),
            (_("Chief accountant"), ""),
        ], note=_("Seal (if any)")),
        SignHere(
            (_("Accepted by the education department — %(region)s, BIN %(bin)s") % {"region": region.name, "bin": department_bin}
             if department_bin else _("Accepted by the education department — %(region)s") % {"region": region.name}),
            [(_("Head of the education department"), ""), (_("Responsible officer"), _person(act.reviewed_by))],
            note=_("The act is accepted for %(amount)s KZT (%(accepted)s lines accepted, %(rejected)s rejected).") % {
                "amount": money(act.accepted_amount), "accepted": counts[LineDecision.ACCEPTED],
                "rejected": counts[LineDecision.REJECTED]},
        ),
        Heading(_("Signed on the portal"), level=2),
        Signatures(_signers(act)),
    ]
    title = _("Act %(number)s") % {"number": act.number}
    return pdf_document(title=title, blocks=blocks, landscape=True)
