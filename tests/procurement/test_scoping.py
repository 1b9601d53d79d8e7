"""Who sees which procurement rows: departments their region, schools their own, operators and monitors
everything; red flags and their searches only operators, monitors and administrators."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from procurement.choices import UnitStatus
from procurement.models import (
    ContractLine,
    Delivery,
    DeliveryUnit,
    FlagRun,
    PenaltyClaim,
    ProcurementContract,
    ProcurementFlag,
    WarrantyClaim,
)
from procurement.services import flags_search
from tests.procurement.factories import make_contract, make_delivery, make_line, make_unit

MODELS = [ProcurementContract, ContractLine, Delivery, DeliveryUnit, PenaltyClaim, WarrantyClaim]


@pytest.fixture
def world(region_astana, region_almaty, school_a, school_b, school_c, school_user, other_school_user, department_user):
    """One contract per region; the Astana one delivers to two schools (A and C)."""
    rows = {}
    for name, region, schools, person in (("astana", region_astana, [school_a, school_c], school_user),
                                          ("almaty", region_almaty, [school_b], other_school_user)):
        contract = make_contract(region=region)
        for school in schools:
            line = make_line(contract=contract, school=school, delivery_due=dt.date(2025, 8, 25))
            delivery = make_delivery(contract=contract, school=school, recorded_by=person)
            unit = make_unit(delivery=delivery, line=line, serial=f"S-{name.upper()}-{school.pk}", status=UnitStatus.ACCEPTED,
                             person=person)
            PenaltyClaim.objects.create(line=line, as_of=dt.date(2025, 9, 1), late_units=1, unit_days=1, amount=Decimal("1.00"),
                                        claimed_by=department_user)
            WarrantyClaim.objects.create(unit=unit, filed_on=dt.date(2025, 9, 1), filed_by=person, description="x",
                                         response_due_on=dt.date(2025, 9, 8))
        rows[name] = contract
    return rows


def visible(model, user):
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


@pytest.mark.django_db
class ProcurementScopingTests:
    @pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
    def test_a_department_sees_its_region_only(self, world, model, department_user, region_astana):
        expected = {row.pk for row in model.objects.all() if _region(row) == region_astana.pk}
        assert expected and visible(model, department_user) == expected

    @pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
    def test_a_school_sees_its_own_rows_only(self, world, model, school_user, school_a):
        expected = {row.pk for row in model.objects.all() if school_a.pk in _schools(row)}
        assert expected and visible(model, school_user) == expected

    @pytest.mark.parametrize("model", MODELS + [ProcurementFlag, FlagRun], ids=lambda model: model.__name__)
    @pytest.mark.parametrize("role", ["operator_user", "monitor_user", "admin_user_portal"])
    def test_operators_monitors_and_administrators_see_everything(self, request, world, model, role):
        flags_search(as_of=dt.date(2025, 12, 1))
        assert visible(model, request.getfixturevalue(role)) == set(model.objects.values_list("pk", flat=True))

    @pytest.mark.parametrize("model", [ProcurementFlag, FlagRun], ids=lambda model: model.__name__)
    def test_flags_are_for_monitors_not_for_departments_or_schools(self, world, model, department_user, school_user):
        flags_search(as_of=dt.date(2025, 12, 1))
        assert model.objects.exists()
        assert visible(model, department_user) == set() and visible(model, school_user) == set()

    @pytest.mark.parametrize("model", MODELS + [ProcurementFlag, FlagRun], ids=lambda model: model.__name__)
    def test_visitors_see_nothing(self, world, model):
        assert visible(model, AnonymousUser()) == set()

    def test_a_school_sees_a_contract_that_delivers_to_it_but_not_the_other_schools_lines(self, world, school_user, school_a):
        contract = world["astana"]
        assert ProcurementContract.objects.visible_to(school_user).get() == contract
        assert set(ContractLine.objects.visible_to(school_user).values_list("school_id", flat=True)) == {school_a.pk}


def _region(row):
    for path in ("region_id", "contract.region_id", "line.contract.region_id", "delivery.contract.region_id",
                 "unit.delivery.contract.region_id"):
        value = row
        try:
            for part in path.split("."):
                value = getattr(value, part)
            return value
        except AttributeError:
            continue
    raise AssertionError(row)


def _schools(row):
    if isinstance(row, ProcurementContract):
        return set(row.lines.values_list("school_id", flat=True))
    for path in ("school_id", "line.school_id", "delivery.school_id", "unit.delivery.school_id"):
        value = row
        try:
            for part in path.split("."):
                value = getattr(value, part)
            return {value}
        except AttributeError:
            continue
    raise AssertionError(row)
