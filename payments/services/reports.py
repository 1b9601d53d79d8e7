"""Final reports: prepared for a contract's school year, approved by the department (figures frozen)."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acts.choices import ActStatus
from acts.models import Act
from core.errors import ConflictError, DomainError
from core.scoping import require
from core.services import audit_record
from core.workflow import transition_apply, transition_check
from orders.models import Contract
from payments.choices import FinalReportEvent, PaymentStatus
from payments.models import FinalReport, Payment
from payments.reports import report_figures


@transaction.atomic
def final_report_prepare(*, contract: Contract, actor) -> FinalReport:
    """Open the final report of a contract's school year (a draft whose figures stay live until approval)."""
    contract = Contract.objects.select_related("order").get(pk=contract.pk)
    require(actor, "prepare", FinalReport(contract=contract))
    try:
        with transaction.atomic():
            report = FinalReport.objects.create(contract=contract, school_year=contract.order.school_year, created_by=actor)
    except IntegrityError:
        raise ConflictError(_("The final report of this contract and year already exists."), code="report_exists") from None
    audit_record(actor=actor, action=FinalReportEvent.PREPARED, subject=report, to_status=report.status,
                 data={"contract": contract.number, "school_year": report.school_year})
    return report


def figures_sha256(figures: dict) -> str:
    return hashlib.sha256(json.dumps(figures, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def final_report_approve(*, report: FinalReport, actor) -> FinalReport:
    """The department approves the report; its figures are frozen as approved (with their sha256)."""
    locked = FinalReport.objects.select_for_update(of=("self",)).select_related("contract__order").get(pk=report.pk)
    transition_check(obj=locked, transitions=FinalReport.TRANSITIONS, action="approve", actor=actor)
    if Act.objects.filter(contract=locked.contract, status=ActStatus.SUBMITTED).exists():
        raise DomainError(_("An act of this contract is still under review; decide it first."), code="acts_pending")
    in_flight = (PaymentStatus.PREPARED, PaymentStatus.APPROVED, PaymentStatus.SENT)
    if Payment.objects.filter(act__contract=locked.contract, status__in=in_flight).exists():
        raise DomainError(_("A payment of this contract is still in progress; wait for the bank's confirmation."),
                          code="payments_pending")
    figures = report_figures(locked.contract)
    digest = figures_sha256(figures)
    return transition_apply(obj=locked, transitions=FinalReport.TRANSITIONS, action="approve", actor=actor,
                            data={"figures_sha256": digest, "total": figures["total"], "settlement": figures["settlement"]},
                            extra_fields={"figures": figures, "figures_sha256": digest, "approved_by": actor,
                                          "approved_at": timezone.now()})
