import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.models import AuditEvent
from procurement import services
from procurement.choices import ProcurementEvent, UnitStatus
from procurement.models import DeliveryUnit
from tests.procurement.factories import make_contract, make_delivery, make_line, make_unit
from tests.schools.factories import make_rnu

PASS = {"model_ok": True, "works": True, "software_ok": True, "warranty_card": True}
DAY = dt.date(2025, 8, 20)


@pytest.fixture
def line(region_astana, school_a):
    contract = make_contract(region=region_astana, signed_on=dt.date(2025, 6, 2))
    return make_line(contract=contract, school=school_a, quantity=3, delivery_due=dt.date(2025, 8, 25))


def deliver(line, user, *serials, day=DAY, **kwargs):
    return services.delivery_record(contract=line.contract, school=line.school, delivered_on=day, actor=user,
                                    units=[services.UnitInput(line=line, serial_number=s) for s in serials], **kwargs)


@pytest.mark.django_db
class DeliveryRecordTests:
    def test_a_delivery_lists_every_unit_and_records_the_register_check_of_that_day(self, clock, line, school_user):
        clock.set(DAY)
        make_rnu(bin=line.contract.supplier_bin, included_on=dt.date(2025, 8, 1), reason="суд")
        delivery = deliver(line, school_user, "sn-1", " SN 2 ")
        assert sorted(delivery.units.values_list("serial_number", flat=True)) == ["SN-1", "SN2"]
        assert delivery.supplier_listed and delivery.supplier_check[0]["reason"] == "суд"
        event = AuditEvent.objects.get(action=ProcurementEvent.DELIVERY_RECORDED)
        assert event.data["supplier_listed"] is True and len(event.data["units"]) == 2

    def test_more_units_than_the_line_still_expects_are_refused(self, clock, line, school_user):
        clock.set(DAY)
        deliver(line, school_user, "A1", "A2")
        with pytest.raises(ConflictError) as refusal:
            deliver(line, school_user, "A3", "A4")
        assert refusal.value.code == "too_many_units" and DeliveryUnit.objects.count() == 2

    def test_a_serial_twice_in_one_delivery_or_live_on_the_line_is_refused(self, clock, line, school_user):
        clock.set(DAY)
        with pytest.raises(DomainError):
            deliver(line, school_user, "A1", "a1")
        deliver(line, school_user, "A1")
        with pytest.raises(ConflictError):
            deliver(line, school_user, "A1")

    @pytest.mark.parametrize("day, code", [(dt.date(2025, 8, 21), "future"), (dt.date(2025, 6, 1), None)])
    def test_a_delivery_in_the_future_or_before_the_signing_is_refused(self, clock, line, school_user, day, code):
        clock.set(DAY)
        with pytest.raises(DomainError) as refusal:
            deliver(line, school_user, "A1", day=day)
        assert refusal.value.field == "delivered_on"

    def test_a_bad_serial_number_is_refused(self, clock, line, school_user):
        clock.set(DAY)
        with pytest.raises(DomainError):
            deliver(line, school_user, "SN№1")

    def test_only_the_receiving_school_or_the_regions_department_records(self, clock, line, other_school_user,
                                                                          other_department_user, department_user, monitor_user):
        clock.set(DAY)
        for user in (other_school_user, other_department_user, monitor_user):
            with pytest.raises(PermissionDeniedError):
                deliver(line, user, "A1")
        assert deliver(line, department_user, "A1").recorded_by == department_user

    def test_a_correction_of_the_date_needs_a_reason_and_checks_the_register_again(self, clock, line, school_user):
        clock.set(DAY)
        delivery = deliver(line, school_user, "A1")
        with pytest.raises(DomainError):
            services.delivery_correct(delivery=delivery, actor=school_user, reason="", delivered_on=dt.date(2025, 8, 19))
        make_rnu(bin=line.contract.supplier_bin, included_on=dt.date(2025, 8, 18), excluded_on=dt.date(2025, 8, 20))
        delivery = services.delivery_correct(delivery=delivery, actor=school_user, reason="ТТН датасы", delivered_on=dt.date(2025, 8, 19))
        assert delivery.delivered_on == dt.date(2025, 8, 19) and delivery.supplier_listed
        assert AuditEvent.objects.get(action=ProcurementEvent.DELIVERY_CORRECTED).reason == "ТТН датасы"


@pytest.mark.django_db
class InspectionTests:
    def test_an_uninspected_unit_cannot_be_accepted(self, clock, line, school_user):
        clock.set(DAY)
        unit = deliver(line, school_user, "A1").units.get()
        with pytest.raises(ConflictError) as refusal:
            services.unit_accept(unit=unit, actor=school_user)
        assert refusal.value.code == "invalid_transition"
        unit.refresh_from_db()
        assert unit.status == UnitStatus.DELIVERED

    def test_a_unit_that_failed_an_item_of_the_checklist_cannot_be_accepted_only_rejected(self, clock, line, school_user):
        clock.set(DAY)
        unit = deliver(line, school_user, "A1").units.get()
        services.unit_inspect(unit=unit, actor=school_user, **{**PASS, "software_ok": False})
        with pytest.raises(ConflictError) as refusal:
            services.unit_accept(unit=unit, actor=school_user)
        assert refusal.value.code == "inspection_failed"
        with pytest.raises(DomainError):
            services.unit_reject(unit=unit, actor=school_user, reason="other")  # "other" needs a note
        unit = services.unit_reject(unit=unit, actor=school_user, reason="no_software")
        assert (unit.status, unit.decided_by, unit.reject_reason) == (UnitStatus.REJECTED, school_user, "no_software")

    def test_the_database_refuses_an_accepted_unit_that_was_not_inspected_or_failed(self, line, school_user):
        delivery = make_delivery(contract=line.contract, school=line.school, recorded_by=school_user)
        unit = make_unit(delivery=delivery, line=line)
        with pytest.raises(IntegrityError), transaction.atomic():
            DeliveryUnit.objects.filter(pk=unit.pk).update(status=UnitStatus.ACCEPTED, decided_by=school_user,
                                                           decided_at=dt.datetime(2025, 8, 20, tzinfo=dt.UTC))
        inspected = make_unit(delivery=delivery, line=line, status=UnitStatus.INSPECTED, person=school_user, works=False)
        with pytest.raises(IntegrityError), transaction.atomic():
            DeliveryUnit.objects.filter(pk=inspected.pk).update(status=UnitStatus.ACCEPTED, decided_by=school_user,
                                                                decided_at=inspected.inspected_at)

    def test_only_the_receiving_school_inspects_and_accepts(self, clock, line, school_user, department_user, other_school_user):
        clock.set(DAY)
        unit = deliver(line, school_user, "A1").units.get()
        for user in (department_user, other_school_user):
            with pytest.raises(PermissionDeniedError):
                services.unit_inspect(unit=unit, actor=user, **PASS)

    def test_the_checklist_must_be_answered_in_full(self, clock, line, school_user):
        clock.set(DAY)
        unit = deliver(line, school_user, "A1").units.get()
        with pytest.raises(DomainError):
            services.unit_inspect(unit=unit, actor=school_user, **{**PASS, "works": None})

    def test_a_rejected_unit_frees_its_place_and_the_next_unit_replaces_it(self, clock, line, school_user):
        clock.set(DAY)
        units = list(deliver(line, school_user, "A1", "A2", "A3").units.order_by("serial_number"))
        services.unit_inspect(unit=units[0], actor=school_user, **{**PASS, "works": False})
        services.unit_reject(unit=units[0], actor=school_user, reason="not_working")
        replacement = deliver(line, school_user, "A1").units.get()  # the same unit, repaired
        assert replacement.replaces_id == units[0].pk
        with pytest.raises(ConflictError):
            deliver(line, school_user, "A9")  # three live units again: nothing more expected

    def test_the_accepting_person_is_named_on_the_unit(self, clock, line, school_user):
        school_user.first_name, school_user.last_name = "Айгүл", "Серікова"
        school_user.save()
        clock.set(DAY)
        unit = deliver(line, school_user, "A1").units.get()
        services.unit_inspect(unit=unit, actor=school_user, **PASS)
        unit = services.unit_accept(unit=unit, actor=school_user)
        assert unit.decided_by_name == "Айгүл Серікова" and unit.decided_at >= unit.inspected_at


@pytest.mark.django_db
class PenaltyClaimTests:
    def test_a_penalty_is_claimed_only_when_final_and_only_once(self, clock, line, school_user, department_user):
        clock.set(DAY)
        units = list(deliver(line, school_user, "A1", "A2").units.all())
        clock.set(dt.date(2025, 8, 30))
        with pytest.raises(ConflictError) as refusal:
            services.penalty_claim(line=line, actor=department_user)
        assert refusal.value.code == "not_final"
        for unit in units:
            services.unit_inspect(unit=unit, actor=school_user, **PASS)
            services.unit_accept(unit=unit, actor=school_user)
        deliver(line, school_user, "A3", day=dt.date(2025, 8, 30))
        unit = DeliveryUnit.objects.get(serial_number="A3")
        services.unit_inspect(unit=unit, actor=school_user, **PASS)
        services.unit_accept(unit=unit, actor=school_user)
        claim = services.penalty_claim(line=line, actor=department_user)
        # 3 units 5 days late × 0.1 % × 250 000 = 3 750.00
        assert claim.amount == Decimal("3750.00")
        with pytest.raises(ConflictError):
            services.penalty_claim(line=line, actor=department_user)
        services.penalty_cancel(claim=claim, actor=department_user, reason="ошибка")
        assert services.penalty_claim(line=line, actor=department_user).amount == Decimal("3750.00")

    def test_nothing_late_means_no_penalty(self, clock, line, department_user):
        clock.set(dt.date(2025, 8, 25))
        with pytest.raises(DomainError) as refusal:
            services.penalty_claim(line=line, actor=department_user)
        assert refusal.value.code == "not_late"
