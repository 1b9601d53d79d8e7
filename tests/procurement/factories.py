"""Builders of procurement rows. ``make_*`` write rows directly (planted cases with exact dates and
times); the flow tests go through the services instead."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from procurement.choices import UnitStatus
from procurement.models import ContractLine, Delivery, DeliveryUnit, ProcurementContract
from tests.factories import next_bin

_serial = itertools.count(1)
TZ = timezone.get_fixed_timezone(5 * 60)  # Asia/Almaty, UTC+5


def at(day: dt.date, hour: int = 12, minute: int = 0, second: int = 0) -> dt.datetime:
    """An aware moment on ``day`` in Almaty time."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ)


def make_contract(*, region, number: str | None = None, signed_on: dt.date = dt.date(2025, 6, 2),
                  supplier_bin: str | None = None, supplier_name: str = "ТОО «Техника»", **fields) -> ProcurementContract:
    return ProcurementContract.objects.create(
        number=number or f"ПЗ-{next(_serial):05d}", region=region, signed_on=signed_on,
        supplier_bin=supplier_bin or next_bin(year=12, month=3), supplier_name=supplier_name, **fields)


def make_line(*, contract, school, item_code: str = "26.20.11.100", item_name: str = "Ноутбук", quantity: int = 3,
              unit_price: Decimal = Decimal("250000.00"), delivery_due: dt.date = dt.date(2025, 8, 25),
              warranty_months: int = 12, software=("Windows 11 Pro", "Microsoft Office 2021")) -> ContractLine:
    return ContractLine.objects.create(contract=contract, school=school, item_code=item_code, item_name=item_name,
                                       quantity=quantity, unit_price=unit_price, delivery_due=delivery_due,
                                       warranty_months=warranty_months, software=list(software))


def make_delivery(*, contract, school, recorded_by, delivered_on: dt.date = dt.date(2025, 8, 20), **fields) -> Delivery:
    return Delivery.objects.create(contract=contract, school=school, recorded_by=recorded_by, delivered_on=delivered_on, **fields)


def make_unit(*, delivery, line, serial: str | None = None, status: str = UnitStatus.DELIVERED, person=None,
              inspected_at: dt.datetime | None = None, decided_at: dt.datetime | None = None,
              invoice_unit_price: Decimal | None = None, **fields) -> DeliveryUnit:
    """A unit in ``status``; inspected (all checks passed) and decided by ``person`` when the status needs it."""
    values = {"serial_number": serial or f"SN{next(_serial):08d}", "invoice_unit_price": invoice_unit_price or line.unit_price}
    if status != UnitStatus.DELIVERED:
        inspected_at = inspected_at or decided_at or at(delivery.delivered_on)
        values.update(model_ok=True, works=True, software_ok=True, warranty_card=True, inspected_by=person,
                      inspected_at=inspected_at)
    if status in (UnitStatus.ACCEPTED, UnitStatus.REJECTED):
        values.update(decided_by=person, decided_by_name=str(person), decided_at=decided_at or inspected_at)
    if status == UnitStatus.REJECTED:
        values.update(reject_reason="not_working", works=False)
    values.update(fields)
    return DeliveryUnit.objects.create(delivery=delivery, line=line, status=status, **values)
