"""The orders' API lists cost the same number of queries whatever the number of rows (issue 18): the
programme an order, application or contract names is joined, not read once per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Contract
from tests.acts.factories import make_contract
from tests.factories import make_school

pytestmark = pytest.mark.django_db

LISTS = ("/api/v1/contracts/", "/api/v1/applications/", "/api/v1/state-orders/")


class OrderListQueryCountTests:
    def test_each_list_costs_the_same_queries_for_2_rows_as_for_6(self, api_as, operator_user, department_user,
                                                                  region_astana):
        counts = {}
        for size in (2, 6):
            while Contract.objects.count() < size:
                make_contract(school=make_school(region=region_astana, name=f"Мектеп {Contract.objects.count()}"))
            for user in (operator_user, department_user):
                api = api_as(user)
                for url in LISTS:
                    api.get(url)  # warm caches (content types)
                    with CaptureQueriesContext(connection) as queries:
                        assert api.get(url).status_code == 200
                    counts.setdefault((user.role, url), []).append(len(queries))
        assert all(first == second for first, second in counts.values()), counts
