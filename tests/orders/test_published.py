"""The SQL view the orders app publishes for the checks: places contracted under contracts in force."""

import pytest
from django.db import connection

from orders.published import CONTRACTED_PLACES_VIEW
from tests.acts.factories import make_contract


@pytest.mark.django_db
class ContractedPlacesViewTests:
    def test_the_view_lists_the_places_of_active_contracts_only(self, school_a, school_b):
        active = make_contract(school=school_a)
        make_contract(school=school_b, status="terminated")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT contract_id, contract_number, school_id, period_start, period_end, level, places "
                           f"FROM {CONTRACTED_PLACES_VIEW} ORDER BY level")
            rows = cursor.fetchall()
        expected = sorted((active.pk, active.number, school_a.pk, active.period_start, active.period_end, level.level, level.places)
                          for level in active.levels.all())
        assert sorted(rows) == expected and len(rows) == 3

    def test_a_contract_in_force_without_levels_still_shows(self, school_a):
        contract = make_contract(school=school_a)
        contract.levels.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT contract_id, level, places FROM {CONTRACTED_PLACES_VIEW}")
            assert cursor.fetchall() == [(contract.pk, None, None)]
