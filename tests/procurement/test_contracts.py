import datetime as dt
from decimal import Decimal

import pytest

from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.models import AuditEvent
from procurement import services
from procurement.choices import ContractStatus, ProcurementEvent, UnitStatus
from procurement.models import ContractLine
from tests.factories import make_bin
from tests.procurement.factories import make_contract, make_delivery, make_line, make_unit
from tests.schools.factories import make_rnu

SUPPLIER = make_bin(11, 4, 555)


def header(**overrides):
    values = {"number": "ПЗ-71/1", "signed_on": dt.date(2025, 6, 2), "supplier_bin": SUPPLIER, "supplier_name": "ТОО «Техника»"}
    values.update(overrides)
    return services.ContractInput(**values)


def line_input(school, **overrides):
    values = {"item_code": "26.20.11", "item_name": "Ноутбук", "school": school, "quantity": 3, "unit_price": Decimal("250000"),
              "delivery_due": dt.date(2025, 8, 25), "warranty_months": 12, "software": "Windows 11 Pro; Office"}
    values.update(overrides)
    return services.LineInput(**values)


@pytest.mark.django_db
class ContractServiceTests:
    def test_a_department_records_a_contract_of_its_region_with_lines(self, clock, department_user, school_a):
        contract = services.contract_create(data=header(), actor=department_user, lines=[line_input(school_a)])
        assert (contract.region_id, contract.created_by, contract.status) == ("71", department_user, ContractStatus.ACTIVE)
        assert contract.lines.get().software == ["Windows 11 Pro", "Office"]
        assert AuditEvent.objects.filter(action=ProcurementEvent.CONTRACT_RECORDED).count() == 1

    def test_a_line_for_a_school_of_another_region_is_refused(self, clock, department_user, school_b):
        with pytest.raises(DomainError) as refusal:
            services.contract_create(data=header(), actor=department_user, lines=[line_input(school_b)])
        assert refusal.value.field == "school"

    def test_schools_operators_and_monitors_do_not_record_contracts(self, clock, school_user, operator_user, monitor_user):
        for user in (school_user, operator_user, monitor_user):
            with pytest.raises(PermissionDeniedError):
                services.contract_create(data=header(), actor=user)

    def test_a_supplier_on_the_register_on_the_signing_day_is_refused_and_a_later_change_is_checked_too(
            self, clock, department_user, school_a):
        listed = make_bin(11, 4, 556)
        make_rnu(bin=listed, included_on=dt.date(2025, 5, 1), excluded_on=dt.date(2025, 6, 1))
        with pytest.raises(DomainError) as refusal:
            services.contract_create(data=header(supplier_bin=listed, signed_on=dt.date(2025, 5, 31)), actor=department_user)
        assert refusal.value.code == "unreliable_supplier"
        contract = services.contract_create(data=header(supplier_bin=listed), actor=department_user)  # excluded by 2 June
        with pytest.raises(DomainError):
            services.contract_update(contract=contract, data=header(supplier_bin=listed, signed_on=dt.date(2025, 5, 20)),
                                     actor=department_user)

    def test_bad_values_are_refused_with_the_field_they_concern(self, clock, department_user, school_a):
        contract = services.contract_create(data=header(), actor=department_user)
        for overrides, field in (({"unit_price": Decimal("0")}, "unit_price"), ({"unit_price": Decimal("1.001")}, "unit_price"),
                                 ({"quantity": 0}, "quantity"), ({"warranty_months": 121}, "warranty_months"),
                                 ({"delivery_due": dt.date(2025, 6, 1)}, "delivery_due"), ({"item_code": "a b"}, "item_code")):
            with pytest.raises(DomainError) as refusal:
                services.line_add(contract=contract, data=line_input(school_a, **overrides), actor=department_user)
            assert refusal.value.field == field
        with pytest.raises(DomainError) as refusal:
            services.contract_create(data=header(number="X", signed_on=dt.date(2025, 6, 11)), actor=department_user)
        assert refusal.value.code == "future"

    def test_lines_are_edited_field_by_field_but_not_below_what_was_delivered(self, clock, department_user, school_a, school_user):
        contract = services.contract_create(data=header(), actor=department_user, lines=[line_input(school_a)])
        line = contract.lines.get()
        delivery = make_delivery(contract=contract, school=school_a, recorded_by=school_user)
        make_unit(delivery=delivery, line=line)
        make_unit(delivery=delivery, line=line, status=UnitStatus.REJECTED, person=school_user)
        services.line_update(line=line, data=line_input(school_a, quantity=1, unit_price=Decimal("240000")), actor=department_user)
        event = AuditEvent.objects.get(action=ProcurementEvent.LINE_CHANGED)
        assert set(event.data["changes"]) == {"quantity", "unit_price"}
        make_unit(delivery=delivery, line=line, serial="X2")
        with pytest.raises(ConflictError):
            services.line_update(line=line, data=line_input(school_a, quantity=1), actor=department_user)
        with pytest.raises(ConflictError):
            services.line_remove(line=line, actor=department_user)

    def test_a_contract_is_closed_only_when_fulfilled_otherwise_terminated_with_a_reason(
            self, clock, department_user, school_a, school_user, region_astana):
        contract = make_contract(region=region_astana)
        line = make_line(contract=contract, school=school_a, quantity=1)
        with pytest.raises(ConflictError):
            services.contract_close(contract=contract, actor=department_user)
        delivery = make_delivery(contract=contract, school=school_a, recorded_by=school_user, delivered_on=dt.date(2025, 6, 5))
        make_unit(delivery=delivery, line=line, status=UnitStatus.ACCEPTED, person=school_user)
        closed = services.contract_close(contract=contract, actor=department_user)
        assert closed.status == ContractStatus.CLOSED and closed.ended_on == dt.date(2025, 6, 10)
        other = make_contract(region=region_astana)
        with pytest.raises(DomainError):
            services.contract_terminate(contract=other, actor=department_user, reason="")
        assert services.contract_terminate(contract=other, actor=department_user, reason="срыв поставки").status == ContractStatus.TERMINATED
        with pytest.raises(ConflictError):
            services.line_add(contract=other, data=line_input(school_a), actor=department_user)

    def test_another_regions_department_cannot_touch_the_contract(self, clock, region_astana, school_a, other_department_user):
        contract = make_contract(region=region_astana)
        line = make_line(contract=contract, school=school_a)
        with pytest.raises(PermissionDeniedError):
            services.line_update(line=line, data=line_input(school_a), actor=other_department_user)
        with pytest.raises(PermissionDeniedError):
            services.contract_terminate(contract=contract, actor=other_department_user, reason="x")
        assert ContractLine.objects.get().quantity == 3
