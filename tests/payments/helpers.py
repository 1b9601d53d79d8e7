"""Shortcuts that pay an act and answer for the bank with the real services."""

from __future__ import annotations

import csv
import datetime as dt
import io

from payments.services import confirmation_apply, confirmation_upload, payment_approve, payment_prepare, registry_create


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
