"""The bank's confirmation of a payment registry: which payments were paid, which failed.

File (CSV UTF-8 or XLSX, header row, via ``core.tabular``)::

    payment_reference,status,amount,bank_reference,date[,message]
    EQP000000012,paid,1234567.50,KZ-BANK-778812,2025-10-14,
    EQP000000013,failed,880000.00,,2025-10-14,account closed

* ``payment_reference`` — the reference of the registry line (``EQP`` + 9 digits);
* ``status`` — ``paid`` or ``failed``; ``amount`` — must equal the payment's amount, to the tiyn
  (written as ``core.parsing.parse_amount`` accepts: ``1234567.50``, ``1 234 567,50``);
* ``bank_reference`` — the bank's own reference (required when paid); ``date`` — ``YYYY-MM-DD``,
  not in the future; ``message`` — the bank's reason (required when failed).

Only payments sent in a registry can be confirmed. The file is checked first (every problem with
its line number, nothing saved), shown as a preview, then applied all-or-nothing.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acts.models import Act
from core.errors import ConflictError, DomainError
from core.parsing import parse_amount, parse_date
from core.scoping import require
from core.services import audit_record
from core.tabular import RowErrors, read_rows, row_width_error
from core.workflow import transition_apply
from payments.choices import BankConfirmationEvent, BankResult, ConfirmationStatus, PaymentStatus
from payments.models import BankConfirmation, Payment

CONFIRMATION_COLUMNS = ["payment_reference", "status", "amount", "bank_reference", "date"]
CONFIRMATION_OPTIONAL = ["message"]
REFERENCE = re.compile(r"^EQP(\d{9})$")
MAX_TEXT = 100
MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass
class ConfirmationRow:
    line: int
    payment: Payment
    status: str
    amount: Decimal
    bank_reference: str
    date: object
    message: str

    @property
    def colour(self) -> str:
        return BankResult(self.status).colour


def confirmation_check(*, content: bytes, lock: bool = False) -> list[ConfirmationRow]:
    """Parse and check a confirmation file against the payments now; raises ``RowsInvalid`` listing every problem."""
    errors = RowErrors()
    parsed = []
    for row in read_rows(io.BytesIO(content), columns=CONFIRMATION_COLUMNS, optional=CONFIRMATION_OPTIONAL):
        width = row_width_error(row, CONFIRMATION_COLUMNS)
        if width:
            errors.add(row.line, None, width)
            continue
        parsed.append(row)
    match = {row.line: REFERENCE.match(row["payment_reference"]) for row in parsed}
    ids = {int(m.group(1)) for m in match.values() if m}
    queryset = Payment.objects.filter(pk__in=ids).select_related("act")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    payments = {p.pk: p for p in queryset}
    today = timezone.localdate()
    seen: dict[int, int] = {}
    result = []
    for row in parsed:
        problems = len(errors.errors)
        reference = match[row.line]
        payment = payments.get(int(reference.group(1))) if reference else None
        if not reference:
            errors.add(row.line, "payment_reference", _("“%(value)s” is not a payment reference (EQP and 9 digits)")
                       % {"value": row["payment_reference"][:40]})
        elif payment is None:
            errors.add(row.line, "payment_reference", _("no payment %(ref)s") % {"ref": row["payment_reference"]})
        elif payment.pk in seen:
            errors.add(row.line, "payment_reference", _("payment %(ref)s is repeated (first on line %(line)s)")
                       % {"ref": payment.reference, "line": seen[payment.pk]})
        elif payment.status != PaymentStatus.SENT:
            errors.add(row.line, "payment_reference", _("payment %(ref)s is “%(status)s”, not sent to the bank")
                       % {"ref": payment.reference, "status": payment.get_status_display()})
        if payment is not None:
            seen.setdefault(payment.pk, row.line)
        status = row["status"].lower()
        if status not in BankResult.values:
            errors.add(row.line, "status", _("“%(value)s” must be paid or failed") % {"value": row["status"][:20]})
        amount = None
        try:
            amount = parse_amount(row["amount"])
            if payment is not None and amount != payment.amount:
                errors.add(row.line, "amount", _("%(amount)s differs from the payment's amount %(expected)s")
                           % {"amount": amount, "expected": payment.amount})
        except ValueError as exc:
            errors.add(row.line, "amount", exc)
        date = None
        try:
            date = parse_date(row["date"])
            if date > today:
                errors.add(row.line, "date", _("%(date)s is in the future") % {"date": date})
        except ValueError as exc:
            errors.add(row.line, "date", exc)
        bank_reference, message = row["bank_reference"], row.data.get("message", "")
        if status == BankResult.PAID and not bank_reference:
            errors.add(row.line, "bank_reference", _("the bank's reference is required for a paid payment"))
        if status == BankResult.FAILED and not message:
            errors.add(row.line, "message", _("the bank's reason is required for a failed payment"))
        for column, value in (("bank_reference", bank_reference), ("message", message)):
            if len(value) > MAX_TEXT * (3 if column == "message" else 1):
                errors.add(row.line, column, _("too long"))
        if len(errors.errors) == problems:
            result.append(ConfirmationRow(row.line, payment, status, amount, bank_reference, date, message))
    if not parsed and not errors:
        errors.add(None, None, _("The file has no rows."))
    errors.raise_if_any()
    return result


@transaction.atomic
def confirmation_upload(*, file, actor) -> tuple[BankConfirmation, list[ConfirmationRow]]:
    """Check an uploaded confirmation and keep it for applying (nothing changes yet). Raises ``RowsInvalid``."""
    require(actor, "upload", BankConfirmation)
    content = file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(_("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
                          code="file_too_large", field="file")
    sha256 = hashlib.sha256(content).hexdigest()
    if BankConfirmation.objects.filter(sha256=sha256, status=ConfirmationStatus.APPLIED).exists():
        raise ConflictError(_("This file was already applied."), code="already_applied")
    rows = confirmation_check(content=content)
    confirmation = BankConfirmation.objects.create(
        file_name=(getattr(file, "name", "") or "confirmation")[:255], sha256=sha256, content=content,
        row_count=len(rows), paid_count=sum(r.status == BankResult.PAID for r in rows),
        failed_count=sum(r.status == BankResult.FAILED for r in rows), uploaded_by=actor,
    )
    audit_record(actor=actor, action=BankConfirmationEvent.UPLOADED, subject=confirmation,
                 to_status=confirmation.status, data={"sha256": sha256, "rows": len(rows)})
    return confirmation, rows


@transaction.atomic
def confirmation_apply(*, confirmation: BankConfirmation, actor) -> BankConfirmation:
    """Mark the payments of a checked confirmation paid or failed — all rows or none."""
    from payments.services.recoveries import recoveries_detect, recovery_statuses_refresh

    locked = BankConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    require(actor, "apply", locked)
    if locked.status != ConfirmationStatus.PREVIEWED:
        raise ConflictError(_("This confirmation was already applied."), code="already_applied")
    rows = confirmation_check(content=bytes(locked.content), lock=True)
    paid_contracts = set()
    for row in rows:
        if row.status == BankResult.PAID:
            payment = transition_apply(
                obj=row.payment, transitions=Payment.TRANSITIONS, action="confirm_paid", actor=actor,
                data={"bank_reference": row.bank_reference, "paid_on": row.date, "confirmation": locked.pk},
                extra_fields={"bank_reference": row.bank_reference, "paid_on": row.date, "confirmation": locked},
            )
            transition_apply(obj=payment.act, transitions=Act.TRANSITIONS, action="mark_paid", actor=actor,
                             data={"payment": payment.reference, "amount": payment.amount})
            paid_contracts.add(payment.act.contract_id)
        else:
            payment = transition_apply(
                obj=row.payment, transitions=Payment.TRANSITIONS, action="confirm_failed", actor=actor,
                reason=row.message, data={"bank_reference": row.bank_reference, "date": row.date, "confirmation": locked.pk},
                extra_fields={"bank_reference": row.bank_reference, "status_reason": row.message, "confirmation": locked},
            )
            recovery_statuses_refresh(payment.offsets.values_list("recovery_id", flat=True), actor=actor)
    paid = sum(row.status == BankResult.PAID for row in rows)
    locked = transition_apply(
        obj=locked, transitions=BankConfirmation.TRANSITIONS, action="apply", actor=actor,
        data={"paid": paid, "failed": len(rows) - paid},
        extra_fields={"row_count": len(rows), "paid_count": paid, "failed_count": len(rows) - paid,
                      "applied_by": actor, "applied_at": timezone.now()},
    )
    if paid_contracts:
        # Findings that appeared between acceptance and payment concern lines that are now paid.
        recoveries_detect(contract_ids=sorted(paid_contracts))
    return locked
