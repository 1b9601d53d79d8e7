import io

import pytest
from django.core.management import call_command

from accounts.models import User
from orders.models import Application, Contract, StateOrder

pytestmark = pytest.mark.django_db


class OrdersDemoTests:
    def test_seed_demo_makes_orders_in_every_state_and_two_active_contracts_once(self):
        call_command("seed_demo", stdout=io.StringIO())
        first = (list(StateOrder.objects.values_list("region_id", "status").order_by("id")),
                 Application.objects.count(), Contract.objects.count())
        output = io.StringIO()
        call_command("seed_demo", stdout=output)
        assert (list(StateOrder.objects.values_list("region_id", "status").order_by("id")),
                Application.objects.count(), Contract.objects.count()) == first
        assert "school_zerde" in output.getvalue()
        statuses = {status for _region, status in first[0]}
        assert statuses == {"draft", "published", "closed"}
        # The payments demo adds contracts of its own (last school year, programme 099-DEMO-ACTS).
        # The programmes demo (dormitory places, scholarships, grants) has contracts of its own too.
        active = (Contract.objects.filter(status="active", order__programme__instrument="school_per_capita")
                  .exclude(order__programme_code="099-DEMO-ACTS").select_related("school"))
        assert active.count() == 2
        first_demo_school = User.objects.get(username="school").school  # the first demo school (ctx["schools"][0])
        assert first_demo_school in {c.school for c in active}
        assert all(c.order.region_id == "71" and c.signatures.count() == 2 for c in active)
        assert Application.objects.filter(status="submitted", order__status="published").count() == 2  # a queue to see
