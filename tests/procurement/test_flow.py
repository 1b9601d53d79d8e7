"""The whole path of one contract: imported, delivered in part and late, inspected unit by unit, a unit
rejected and re-delivered, everything accepted; the penalty is the CONTRACT rule's to the tiyn."""

import datetime as dt
from decimal import Decimal

import pytest

from core.models import AuditEvent
from procurement import services
from procurement.choices import ProcurementEvent, UnitStatus
from procurement.models import ContractLine, DeliveryUnit, PenaltyClaim, ProcurementContract
from procurement.pdf import acceptance_act_blocks
from procurement.selectors import line_lateness, lines_with_lateness
from procurement.services.importing import COLUMNS
from tests.factories import next_bin
from tests.schools.factories import csv_file

HEADER = ",".join(COLUMNS) + "\n"
PASS = {"model_ok": True, "works": True, "software_ok": True, "warranty_card": True}


def inspect_and_accept(unit, user):
    services.unit_inspect(unit=unit, actor=user, **PASS)
    return services.unit_accept(unit=unit, actor=user)


@pytest.mark.django_db
class ContractToAcceptanceTests:
    def test_a_late_partial_delivery_with_a_rejected_and_redelivered_unit_costs_the_rule_to_the_tiyn(
            self, clock, tmp_path, school_a, school_c, school_user, department_user):
        supplier = next_bin(year=11, month=4)
        clock.set(dt.date(2025, 6, 10))
        path = csv_file(
            HEADER
            + f"ПЗ-2025/17,2025-06-02,{supplier},ТОО «Техника Плюс»,26.20.11.100,Ноутбук,187654.35,{school_a.bin},5,2025-08-25,24,"
              "Windows 11 Pro;Microsoft Office 2021\n"
            + f"ПЗ-2025/17,2025-06-02,{supplier},ТОО «Техника Плюс»,26.20.11.100,Ноутбук,187654.35,{school_c.bin},2,2025-08-25,24,"
              "Windows 11 Pro\n",
            tmp_path,
        )
        result = services.procurement_import(source=path)
        assert (result.contracts_new, result.lines_new) == (1, 2)
        contract = ProcurementContract.objects.get(number="ПЗ-2025/17")
        line = ContractLine.objects.get(contract=contract, school=school_a)
        assert line.software == ["Windows 11 Pro", "Microsoft Office 2021"] and contract.region_id == "71"

        # 20 August, before the deadline: three of five laptops arrive; two pass the inspection, one does not work.
        clock.set(dt.date(2025, 8, 20))
        first = services.delivery_record(
            contract=contract, school=school_a, delivered_on=dt.date(2025, 8, 20), waybill_number="ТТН-001", actor=school_user,
            units=[services.UnitInput(line=line, serial_number=s) for s in ("5cg1230aa1", "5CG1230AA2", "5CG1230AA3")])
        units = list(first.units.order_by("serial_number"))
        assert [u.serial_number for u in units] == ["5CG1230AA1", "5CG1230AA2", "5CG1230AA3"]  # normalised
        inspect_and_accept(units[0], school_user)
        inspect_and_accept(units[1], school_user)
        services.unit_inspect(unit=units[2], actor=school_user, **{**PASS, "works": False}, note="не включается")
        services.unit_reject(unit=units[2], actor=school_user, reason="not_working")

        # After the deadline the line is late: 3 units are not accepted.
        assert line_lateness(line, as_of=dt.date(2025, 9, 1)).late_units == 3

        # 4 September: the two missing laptops and a replacement of the rejected one (the same serial, repaired).
        clock.set(dt.date(2025, 9, 4))
        second = services.delivery_record(
            contract=contract, school=school_a, delivered_on=dt.date(2025, 9, 4), actor=school_user,
            units=[services.UnitInput(line=line, serial_number=s) for s in ("5CG1230AA3", "5CG1230AA4", "5CG1230AA5")])
        again = second.units.get(serial_number="5CG1230AA3")
        assert again.replaces == units[2]
        for unit in second.units.exclude(pk=again.pk).order_by("serial_number"):
            inspect_and_accept(unit, school_user)  # 10 days late each
        clock.set(dt.date(2025, 9, 5))
        inspect_and_accept(again, school_user)  # 11 days late

        # 3 late units: 10 + 10 + 11 = 31 unit-days × 0.1 % × 187 654.35 = 5 817.28485 → 5 817.28 (under the 10 % cap).
        expected = Decimal("5817.28")
        state = line_lateness(line)
        assert (state.late_units, state.unit_days, state.amount, state.is_final) == (3, 31, expected, True)
        assert lines_with_lateness(ContractLine.objects.filter(pk=line.pk)).get().penalty == expected
        claim = services.penalty_claim(line=line, actor=department_user)
        assert claim.amount == expected and (claim.late_units, claim.unit_days) == (3, 31)
        assert PenaltyClaim.objects.get().amount == expected

        # Every unit is accepted by a named person, who appears on the acceptance act; every step is audited.
        accepted = DeliveryUnit.objects.filter(line=line, status=UnitStatus.ACCEPTED)
        assert accepted.count() == 5 and set(accepted.values_list("decided_by", flat=True)) == {school_user.pk}
        _title, blocks = acceptance_act_blocks(second)
        assert str(school_user) in repr(blocks)
        actions = list(AuditEvent.objects.values_list("action", flat=True))
        for event in (ProcurementEvent.CONTRACT_RECORDED, ProcurementEvent.LINE_ADDED, ProcurementEvent.IMPORTED,
                      ProcurementEvent.DELIVERY_RECORDED, ProcurementEvent.UNIT_INSPECTED, ProcurementEvent.UNIT_ACCEPTED,
                      ProcurementEvent.UNIT_REJECTED, ProcurementEvent.PENALTY_CLAIMED):
            assert event.value in actions
        assert actions.count(ProcurementEvent.UNIT_ACCEPTED.value) == 5
