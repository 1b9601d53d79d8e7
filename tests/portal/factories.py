"""Planted data for the home pages: acts in every status, payments, findings, reports, in two regions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from tests.acts.factories import make_contract, make_finding, make_order
from tests.factories import make_school

TODAY = dt.date(2025, 12, 3)


def make_act(*, contract, month: dt.date, status: str, review_due_on: dt.date | None = None,
             accepted: Decimal = Decimal("0"), built_by=None):
    from acts.deadlines import act_due_on
    from acts.models import Act
    from tests.acts.factories import _system_user

    total = Decimal("1000000.00")
    return Act.objects.create(
        contract=contract, school=contract.school, month=month, status=status, due_on=act_due_on(month),
        review_due_on=review_due_on, built_at=timezone.now(), built_by=built_by or _system_user(),
        total_amount=total, accepted_amount=accepted, line_count=10,
        submitted_at=timezone.now() if status != "draft" else None,
    )


def make_payment(*, act, prepared_by, status: str = "prepared", approved_by=None):
    from payments.models import Payment

    return Payment.objects.create(
        act=act, status=status, accepted_amount=act.accepted_amount, amount=act.accepted_amount,
        payee_bin=act.school.bin, payee_name=act.school.name, payee_iban="KZ000000000000000000", purpose="test",
        prepared_by=prepared_by, approved_by=approved_by, approved_at=timezone.now() if approved_by else None,
    )


@dataclass
class Planted:
    school_c: object
    c1: object
    c2: object
    c3: object


def plant_work(*, school_a, school_b, region_astana, operator, second_operator) -> Planted:
    """The home pages' planted data (see tests/portal/test_worklist.py for the counts it gives)."""
    from orders.models import Application
    from payments.models import BankConfirmation, FinalReport
    from tests.acts.factories import _system_user

    school_c = make_school(region=region_astana, name="Мектеп В")
    sep, oct_, nov = dt.date(2025, 9, 1), dt.date(2025, 10, 1), dt.date(2025, 11, 1)
    # school_a (Astana): September returned, October a draft, November not built.
    c1 = make_contract(school=school_a)
    make_act(contract=c1, month=sep, status="returned")
    make_act(contract=c1, month=oct_, status="draft")
    # school_c (Astana): two acts under review (one late), one accepted with a payment prepared by operator.
    c3 = make_contract(school=school_c)
    make_act(contract=c3, month=sep, status="submitted", review_due_on=dt.date(2025, 12, 1))
    make_act(contract=c3, month=oct_, status="submitted", review_due_on=dt.date(2025, 12, 10))
    accepted = make_act(contract=c3, month=nov, status="accepted", accepted=Decimal("900000.00"))
    make_payment(act=accepted, prepared_by=operator)
    # school_b (Almaty): one under review, one accepted awaiting a payment, one partly accepted and approved.
    c2 = make_contract(school=school_b)
    make_act(contract=c2, month=sep, status="submitted", review_due_on=dt.date(2025, 11, 20))
    make_act(contract=c2, month=oct_, status="accepted", accepted=Decimal("800000.00"))
    partly = make_act(contract=c2, month=nov, status="partly_accepted", accepted=Decimal("700000.00"))
    make_payment(act=partly, prepared_by=operator, approved_by=second_operator, status="approved")
    # Contracts to sign: school_a's draft, and school_c's signed by the school.
    make_contract(school=school_a, status="draft")
    make_contract(school=school_c, status="signed_by_school")
    # Applications waiting: one in Astana, one in Almaty.
    for school in (school_a, school_b):
        Application.objects.create(order=make_order(region=school.region), school=school, status="submitted",
                                   submitted_at=timezone.now(), submitted_by=_system_user())
    # Findings: school_a an open error, an open warning, an explained warning; school_b an open error.
    make_finding(school=school_a, code="S05", level="primary")
    make_finding(school=school_a, code="S04")
    make_finding(school=school_a, code="S04", level="basic", status="explained")
    make_finding(school=school_b, code="S03")
    FinalReport.objects.create(contract=c3, school_year=2025, created_by=_system_user())
    BankConfirmation.objects.create(file_name="bank.csv", sha256="0" * 64, content=b"", row_count=1, uploaded_by=operator)
    return Planted(school_c=school_c, c1=c1, c2=c2, c3=c3)
