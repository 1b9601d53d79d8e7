"""Demo procurement: computers bought for schools, delivered late in part, inspected unit by unit (called by ``seed_demo``).

Everything goes through the services, each step "on its day": the portal's clock is set to the day
of the step while it runs, so that deliveries, inspections, acceptances and the audit trail carry
the story's dates (the last five months).

* Astana, contract 71-ПЗ-001 (supplier «Digital Education KZ»): «Болашақ» gets 6 laptops and 2
  projectors, «Зерде» 4 laptops, all due on day 60. «Болашақ»: 4 laptops and the projectors
  arrive on day 55 and are accepted, except a laptop without its licensed software, rejected; the
  2 missing laptops and the repaired one come on day 72 (late) and are accepted; the department
  claims the penalty. «Зерде»: 4 laptops on day 80, accepted, no penalty claimed (red flag PR07); one
  of them carries the serial number of a «Болашақ» laptop (PR01). A warranty claim of «Болашақ»
  waits for the supplier's answer past its deadline (PR08).
* Almaty, contract 75-ПЗ-001 (supplier «TechnoSnab»): «Алатау» gets 5 laptops at a price well above
  the national median (PR04); the supplier is put on the register of unreliable suppliers after
  signing (PR06); 2 arrive late, invoiced above the contract's price (PR03), one accepted and its
  delivery's date then corrected to a later day (PR02); 3 are still overdue.

Idempotent: nothing is added when the Astana contract exists.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

from django.utils import timezone

NUMBERS = ("71-ПЗ-001", "75-ПЗ-001")
LAPTOP = ("26.20.11.100.000", "Ноутбук HP ProBook 450 G10 / Ноутбук HP ProBook 450 G10")
PROJECTOR = ("26.70.13.000.001", "Проектор Epson EB-E20 / Проектор Epson EB-E20")
SOFTWARE = ["Windows 11 Pro", "Microsoft Office LTSC 2021", "Kaspersky Endpoint Security"]
PASS = {"model_ok": True, "works": True, "software_ok": True, "warranty_card": True}
PEOPLE = {"school": ("Айгүл", "Серікова"), "school_zerde": ("Нұрлан", "Әбенов"), "school_alatau": ("Гүлнар", "Қасымова"),
          "department": ("Ерлан", "Жақсылықов"), "department_almaty": ("Дана", "Омарова")}


@contextlib.contextmanager
def _on(day: dt.date, hour: int = 10, minute: int = 0):
    """Run the block with the portal's clock set to ``day`` ``hour``:``minute`` (Almaty time)."""
    moment = timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))
    original = timezone.now
    timezone.now = lambda: moment
    try:
        yield moment
    finally:
        timezone.now = original


def _users(ctx, schools):
    from accounts.models import User
    from accounts.services import user_upsert

    for username, index in (("school_zerde", 1), ("school_alatau", 2)):
        if not User.objects.filter(username=username).exists():
            user_upsert(username=username, role="school", school_bin=schools[index].bin, password=ctx.get("password"))
            ctx.setdefault("logins", []).append((username, "school", ctx.get("password", "")))
    users = {name: User.objects.get(username=name) for name in PEOPLE}
    for name, (first, last) in PEOPLE.items():  # the responsible persons are named on the acceptance acts
        user = users[name]
        if not user.first_name and not user.last_name:
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
    return users


def _inspect_accept(units, person, day, hour=11, step_minutes=6):
    from procurement import services

    for index, unit in enumerate(units):
        with _on(day, hour, index * step_minutes):
            services.unit_inspect(unit=unit, actor=person, **PASS)
        with _on(day, hour, index * step_minutes + 4):
            services.unit_accept(unit=unit, actor=person)


def _deliver(contract, school, person, day, lines_serials, waybill, prices=None):
    from procurement import services

    prices = prices or {}
    with _on(day, 9):
        return services.delivery_record(
            contract=contract, school=school, delivered_on=day, waybill_number=waybill, actor=person,
            units=[services.UnitInput(line=line, serial_number=serial, invoice_unit_price=prices.get(line.pk))
                   for line, serials in lines_serials for serial in serials])


def _astana(users, schools, start):
    from core.identifiers import make_bin
    from procurement import services
    from procurement.models import ContractLine

    bolashak, zerde = schools[0], schools[1]
    department = users["department"]
    with _on(start):
        contract = services.contract_create(
            data=services.ContractInput(number=NUMBERS[0], signed_on=start, supplier_bin=make_bin(18, 3, 4417),
                                        supplier_name="ТОО «Digital Education KZ»"),
            actor=department,
            lines=[
                services.LineInput(item_code=LAPTOP[0], item_name=LAPTOP[1], school=bolashak, quantity=6,
                                   unit_price=Decimal("289990.00"), delivery_due=start + dt.timedelta(days=60), warranty_months=24,
                                   software=SOFTWARE),
                services.LineInput(item_code=PROJECTOR[0], item_name=PROJECTOR[1], school=bolashak, quantity=2,
                                   unit_price=Decimal("214500.00"), delivery_due=start + dt.timedelta(days=60), warranty_months=12),
                services.LineInput(item_code=LAPTOP[0], item_name=LAPTOP[1], school=zerde, quantity=4,
                                   unit_price=Decimal("289990.00"), delivery_due=start + dt.timedelta(days=60), warranty_months=24,
                                   software=SOFTWARE),
            ],
        )
    laptops = ContractLine.objects.get(contract=contract, school=bolashak, item_code=LAPTOP[0])
    projectors = ContractLine.objects.get(contract=contract, school=bolashak, item_code=PROJECTOR[0])
    zerde_laptops = ContractLine.objects.get(contract=contract, school=zerde)
    teacher = users["school"]

    # Day 55: four laptops and both projectors; one laptop comes without its licensed software.
    day = start + dt.timedelta(days=55)
    first = _deliver(contract, bolashak, teacher, day, [(laptops, ["5CD3471KQ1", "5CD3471KQ2", "5CD3471KQ3", "5CD3471KQ4"]),
                                                        (projectors, ["X8RK1200451", "X8RK1200452"])], "ТТН-0457")
    units = {unit.serial_number: unit for unit in first.units.all()}
    _inspect_accept([units[s] for s in ("5CD3471KQ1", "5CD3471KQ2", "5CD3471KQ3", "X8RK1200451", "X8RK1200452")], teacher,
                    day + dt.timedelta(days=1))
    with _on(day + dt.timedelta(days=1), 14):
        services.unit_inspect(unit=units["5CD3471KQ4"], actor=teacher, **{**PASS, "software_ok": False},
                              note="Office орнатылмаған / Office не установлен")
        services.unit_reject(unit=units["5CD3471KQ4"], actor=teacher, reason="no_software")

    # Day 72, twelve days late: the two missing laptops and the rejected one, now with its software.
    day = start + dt.timedelta(days=72)
    second = _deliver(contract, bolashak, teacher, day, [(laptops, ["5CD3471KQ4", "5CD3471KQ5", "5CD3471KQ6"])], "ТТН-0612")
    _inspect_accept(list(second.units.order_by("serial_number")), teacher, day + dt.timedelta(days=1))
    with _on(day + dt.timedelta(days=3)):
        services.penalty_claim(line=laptops, actor=department)

    # Day 80: «Зерде»'s laptops, one with the serial number of a «Болашақ» laptop; no penalty is claimed.
    day = start + dt.timedelta(days=80)
    third = _deliver(contract, zerde, users["school_zerde"], day,
                     [(zerde_laptops, ["5CD3471KQ2", "5CD3471KR7", "5CD3471KR8", "5CD3471KR9"])], "ТТН-0733")
    _inspect_accept(list(third.units.order_by("serial_number")), users["school_zerde"], day + dt.timedelta(days=1), hour=15)

    # A warranty claim filed three weeks ago that the supplier has not answered.
    claim_day = timezone.localdate() - dt.timedelta(days=21)
    with _on(claim_day, 12):
        services.claim_file(unit=units["5CD3471KQ1"], actor=teacher,
                            description="Экран жыпылықтайды / Мерцает экран")
    return contract


def _almaty(users, schools, start):
    from core.identifiers import make_bin
    from procurement import services
    from procurement.models import ContractLine
    from schools.models import UnreliableSupplierEntry

    alatau = schools[2]
    supplier = make_bin(19, 11, 2291)
    with _on(start):
        contract = services.contract_create(
            data=services.ContractInput(number=NUMBERS[1], signed_on=start, supplier_bin=supplier, supplier_name="ТОО «TechnoSnab»"),
            actor=users["department_almaty"],
            lines=[services.LineInput(item_code=LAPTOP[0], item_name=LAPTOP[1], school=alatau, quantity=5,
                                      unit_price=Decimal("389000.00"), delivery_due=start + dt.timedelta(days=45), warranty_months=12,
                                      software=SOFTWARE[:2])],
        )
    line = ContractLine.objects.get(contract=contract)
    # After signing, a court decision puts the supplier on the register (loaded like any register entry).
    UnreliableSupplierEntry.objects.get_or_create(
        bin=supplier, included_on=start + dt.timedelta(days=30),
        defaults={"reason": "Мемлекеттік сатып алу шартын орындамау / Неисполнение договора госзакупок"})
    person = users["school_alatau"]
    day = start + dt.timedelta(days=50)
    delivery = _deliver(contract, alatau, person, day, [(line, ["PF4KZ1101", "PF4KZ1102"])], "ТТН-1180",
                        prices={line.pk: Decimal("395000.00")})
    unit = delivery.units.get(serial_number="PF4KZ1101")
    _inspect_accept([unit], person, day + dt.timedelta(days=1))
    # The waybill turned out to be dated two days later: the acceptance now precedes the delivery.
    with _on(day + dt.timedelta(days=3)):
        services.delivery_correct(delivery=delivery, actor=person, delivered_on=day + dt.timedelta(days=2),
                                  reason="ТТН-дағы күн / Дата по ТТН")
    return contract


def seed(ctx: dict) -> None:
    from procurement.models import ProcurementContract
    from procurement.services import flags_search

    out = ctx.get("stdout")
    schools = ctx.get("schools") or []
    if len(schools) < 3 or ProcurementContract.objects.filter(number__in=NUMBERS).exists():
        if out:
            out.write("procurement: demo contracts already there, nothing added")
        return
    users = _users(ctx, schools)
    today = timezone.localdate()
    _astana(users, schools, today - dt.timedelta(days=150))
    _almaty(users, schools, today - dt.timedelta(days=120))
    flags_search(actor=None)
    if out:
        out.write("procurement: demo contracts, deliveries, acceptance, a penalty, a warranty claim and red flags are ready")
