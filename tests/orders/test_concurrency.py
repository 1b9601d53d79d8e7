"""Over-allocation is impossible, also when officers approve at the same moment.

Real threads, each with its own database connection, against the real PostgreSQL; a barrier
releases them together. Two layers are proven: the order's row lock (every approval sees the
places and money the others took) and, underneath, the CHECK constraints on the counters.
"""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F

from core.errors import DomainError
from orders.models import Application, Contract, StateOrder, StateOrderLevel
from orders.services import application_approve
from tests.factories import make_school, make_user
from tests.openapi import CheckedAPIClient as APIClient
from tests.orders.factories import make_application, make_order

# transactional_db by name: the autouse fixture in tests/conftest.py then restores the regions after each flush.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("transactional_db")]


def run_together(functions):
    """Run each function in its own thread, released at once; return their results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait(timeout=10)
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def competing(region_astana):
    """An order for 10 primary places and eight schools asking 4 each (32 asked for 10 places)."""
    department = make_user("dept_a", role="department", region=region_astana)
    officers = [department] + [make_user(f"dept_{i}", role="department", region=region_astana) for i in range(1, 8)]
    order = make_order(actor=department, levels={"primary": (10, "1000.00")})
    applications = []
    for i in range(8):
        school = make_school(region=region_astana, name=f"Мектеп {i}")
        applications.append(make_application(order=order, actor=make_user(f"school_{i}", role="school", school=school),
                                             places={"primary": 4}))
    return order, officers, applications


class ConcurrentApprovalTests:
    def test_eight_officers_approving_at_once_never_give_more_than_the_places(self, competing):
        order, officers, applications = competing
        results = run_together([
            (lambda a=a, o=o: application_approve(application=a, actor=o)) for a, o in zip(applications, officers, strict=True)
        ])
        approved = [r for r in results if isinstance(r, Application)]
        refused = [r for r in results if isinstance(r, DomainError)]
        assert len(approved) == 2 and len(refused) == 6, results  # 4 + 4 of 10; a third 4 does not fit
        assert all(r.code == "places_exhausted" for r in refused)
        level = StateOrderLevel.objects.get(order=order)
        assert level.approved_places == 8 <= level.places
        assert Contract.objects.filter(order=order).count() == 2
        order.refresh_from_db()
        assert order.committed_amount == Decimal("72000.00")  # 8 places × 1 000 × 9 months

    def test_money_is_never_over_committed_under_concurrency(self, region_astana):
        department = make_user("dept_m", role="department", region=region_astana)
        second = make_user("dept_m2", role="department", region=region_astana)
        # Places for everyone, money for one approval of 5 places (5 × 1 000 × 9 = 45 000).
        order = make_order(actor=department, budget="60000.00", levels={"primary": (100, "1000.00")})
        applications = [
            make_application(order=order, actor=make_user(f"school_m{i}", role="school",
                                                          school=make_school(region=region_astana, name=f"М{i}")),
                             places={"primary": 5})
            for i in range(2)
        ]
        results = run_together([lambda: application_approve(application=applications[0], actor=department),
                                lambda: application_approve(application=applications[1], actor=second)])
        assert sorted(type(r).__name__ for r in results) == ["Application", "ConflictError"]
        order.refresh_from_db()
        assert order.committed_amount == Decimal("45000.00") <= order.budget

    def test_two_officers_approving_the_same_application_approve_it_once(self, competing):
        order, officers, applications = competing
        results = run_together([lambda: application_approve(application=applications[0], actor=officers[0]),
                                lambda: application_approve(application=applications[0], actor=officers[1])])
        assert sorted(type(r).__name__ for r in results) == ["Application", "ConflictError"]
        assert StateOrderLevel.objects.get(order=order).approved_places == 4
        assert Contract.objects.filter(application=applications[0]).count() == 1


class ConcurrentApiApprovalTests:
    def test_simultaneous_approve_requests_through_the_api_cannot_over_allocate(self, competing):
        order, officers, applications = competing

        def approve(application, officer):
            client = APIClient()
            client.force_authenticate(officer)
            return client.post(f"/api/v1/applications/{application.pk}/approve/", {}, format="json")

        responses = run_together([(lambda a=a, o=o: approve(a, o)) for a, o in zip(applications, officers, strict=True)])
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 200] + [409] * 6, [r.content for r in responses]
        assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"places_exhausted"}
        assert StateOrderLevel.objects.get(order=order).approved_places == 8


class AllocationConstraintTests:
    def test_the_database_itself_refuses_more_approved_places_than_ordered(self, competing):
        order, _officers, _applications = competing
        with pytest.raises(IntegrityError), transaction.atomic():
            StateOrderLevel.objects.filter(order=order).update(approved_places=F("places") + 1)

    def test_the_database_itself_refuses_committing_more_money_than_the_budget(self, competing):
        order, _officers, _applications = competing
        with pytest.raises(IntegrityError), transaction.atomic():
            StateOrder.objects.filter(pk=order.pk).update(committed_amount=F("budget") + Decimal("0.01"))

    def test_the_approval_takes_the_orders_row_lock(self, competing):
        """While another transaction holds the order's row, an approval waits (NOWAIT proves the lock is taken)."""
        order, officers, applications = competing
        holder_ready, release = threading.Event(), threading.Event()

        def hold_the_order():
            with transaction.atomic():
                StateOrder.objects.select_for_update().get(pk=order.pk)
                holder_ready.set()
                release.wait(timeout=10)
            connections.close_all()

        holder = threading.Thread(target=hold_the_order)
        holder.start()
        holder_ready.wait(timeout=10)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '300ms'")
            with pytest.raises(Exception) as error:  # noqa: B017 - lock_timeout raises OperationalError
                application_approve(application=applications[0], actor=officers[0])
            assert "lock timeout" in str(error.value)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
            release.set()
            holder.join(timeout=10)
        assert application_approve(application=applications[0], actor=officers[0]).status == "approved"
