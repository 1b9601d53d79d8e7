"""Shortcuts that walk an act through the workflow with the real services."""

from __future__ import annotations

import csv
import datetime as dt
import io

from payments.choices import LineDecision, LineRejectReason
from payments.services import (
    act_accept,
    act_build,
    act_lines_decide,
    act_partly_accept,
    act_submit,
    confirmation_apply,
    confirmation_upload,
    payment_approve,
    payment_prepare,
    registry_create,
)
from tests.payments.conftest import TODAY


def accepted_act(*, contract, month, school_user, department_user, reject_enrolments=(), today=TODAY):
    """Build, submit and accept (partly, when ``reject_enrolments`` are given) the act of ``month``."""
    act = act_build(contract=contract, month=month, actor=school_user, today=today)
    act = act_submit(act=act, actor=school_user, today=today)
    rejections = [
        {"line": act.lines.get(enrolment=e, version=act.version).pk, "reason": LineRejectReason.NOT_TAUGHT}
        for e in reject_enrolments
    ]
    for item in rejections:
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.REJECTED, lines=[item["line"]],
                         reason=item["reason"])
    if act.lines.filter(decision=LineDecision.PENDING).exists():
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED, selection="pending_payable")
    if rejections:
        return act_partly_accept(act=act, actor=department_user)
    return act_accept(act=act, actor=department_user)


def confirmation_csv(rows) -> bytes:
    """A bank confirmation file: rows of (payment, status, bank_reference, date, message[, amount])."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["payment_reference", "status", "amount", "bank_reference", "date", "message"])
    for payment, status, bank_reference, date, message, *amount in rows:
        writer.writerow([payment.reference, status, amount[0] if amount else payment.amount, bank_reference,
                         date.isoformat(), message])
    return buffer.getvalue().encode()


class Upload(io.BytesIO):
    def __init__(self, content: bytes, name: str = "confirmation.csv"):
        super().__init__(content)
        self.name = name


def pay(*, act, preparer, approver, paid_on=dt.date(2025, 11, 25), status="paid", message=""):
    """Prepare, approve, export and confirm the payment of ``act``; returns the payment."""
    payment = payment_prepare(act=act, actor=preparer)
    payment = payment_approve(payment=payment, actor=approver)
    if payment.amount == 0:
        return payment
    registry_create(actor=preparer, payment_ids=[payment.pk])
    payment.refresh_from_db()
    content = confirmation_csv([(payment, status, "BANK-" + str(payment.pk) if status == "paid" else "", paid_on, message)])
    confirmation, _rows = confirmation_upload(file=Upload(content), actor=preparer)
    confirmation_apply(confirmation=confirmation, actor=approver)
    payment.refresh_from_db()
    return payment
