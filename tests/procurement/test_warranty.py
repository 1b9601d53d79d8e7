import datetime as dt

import pytest

from acts.models import Holiday
from core.errors import ConflictError, DomainError, PermissionDeniedError
from procurement import services
from procurement.choices import ClaimStatus, UnitStatus
from procurement.deadlines import response_due_on, warranty_ends_on
from tests.procurement.factories import at, make_contract, make_delivery, make_line, make_unit


@pytest.fixture
def unit(region_astana, school_a, school_user):
    contract = make_contract(region=region_astana)
    line = make_line(contract=contract, school=school_a, warranty_months=12)
    delivery = make_delivery(contract=contract, school=school_a, recorded_by=school_user, delivered_on=dt.date(2025, 8, 20))
    return make_unit(delivery=delivery, line=line, status=UnitStatus.ACCEPTED, person=school_user, decided_at=at(dt.date(2025, 8, 20)))


@pytest.mark.django_db
class DeadlineTests:
    def test_the_supplier_answers_within_working_days_of_the_holiday_table(self):
        Holiday.objects.get_or_create(date=dt.date(2025, 12, 16), defaults={"name_kk": "Т", "name_ru": "Н", "name_en": "I"})
        # Friday 12 December 2025 + 5 working days: 15, (16 holiday), 17, 18, 19, 22
        assert response_due_on(dt.date(2025, 12, 12)) == dt.date(2025, 12, 22)

    def test_a_warranty_ends_on_the_last_day_of_a_shorter_month(self):
        assert warranty_ends_on(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
        assert warranty_ends_on(dt.date(2025, 8, 20), 12) == dt.date(2026, 8, 20)


@pytest.mark.django_db
class WarrantyClaimTests:
    def test_a_school_claims_within_the_warranty_and_the_supplier_deadline_is_in_working_days(self, clock, unit, school_user):
        clock.set(dt.date(2025, 11, 7))  # a Friday
        claim = services.claim_file(unit=unit, actor=school_user, description="экран не включается")
        assert claim.response_due_on == response_due_on(dt.date(2025, 11, 7)) == dt.date(2025, 11, 14)
        with pytest.raises(ConflictError):
            services.claim_file(unit=unit, actor=school_user, description="ещё раз")
        clock.set(dt.date(2025, 11, 12))
        claim = services.claim_answer(claim=claim, actor=school_user, response="заменим матрицу", answered_on=dt.date(2025, 11, 11))
        claim = services.claim_close(claim=claim, actor=school_user, resolution="repaired")
        assert claim.status == ClaimStatus.CLOSED

    def test_the_warranty_ends_its_months_after_the_acceptance(self, clock, unit, school_user):
        clock.set(dt.date(2026, 8, 20))
        services.claim_file(unit=unit, actor=school_user, description="последний день")
        clock.set(dt.date(2026, 8, 21))
        unit.claims.update(status=ClaimStatus.CLOSED, resolution="repaired")
        with pytest.raises(ConflictError) as refusal:
            services.claim_file(unit=unit, actor=school_user, description="поздно")
        assert refusal.value.code == "warranty_ended"

    def test_only_accepted_units_of_ones_own_school_are_claimed(self, clock, unit, other_school_user, department_user, school_user):
        clock.set(dt.date(2025, 11, 7))
        for user in (other_school_user, department_user):
            with pytest.raises(PermissionDeniedError):
                services.claim_file(unit=unit, actor=user, description="x")
        pending = make_unit(delivery=unit.delivery, line=unit.line)
        with pytest.raises(ConflictError):
            services.claim_file(unit=pending, actor=school_user, description="x")
        with pytest.raises(DomainError):
            services.claim_file(unit=unit, actor=school_user, description="  ")
