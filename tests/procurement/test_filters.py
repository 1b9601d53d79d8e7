"""The region filter of procurement contracts and red flags names the region by its code (it used to ask for
``region_id_id`` and fail)."""

import pytest

from procurement.filters import ContractFilterSet
from procurement.models import ProcurementContract
from tests.procurement.factories import make_contract

pytestmark = pytest.mark.django_db


class RegionFilterTests:
    def test_contracts_filter_by_the_region_code(self, region_astana, region_almaty):
        astana = make_contract(region=region_astana)
        make_contract(region=region_almaty)
        filterset = ContractFilterSet({"region": "71"}, queryset=ProcurementContract.objects.all())
        assert filterset.is_valid(), filterset.errors
        assert list(filterset.qs) == [astana]
