import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from orders.models import Application
from orders.selectors import public_orders, queue_entries
from orders.services import application_withdraw
from tests.factories import make_school, make_user
from tests.orders.factories import make_application, make_order

pytestmark = pytest.mark.django_db


class QueueOrderingTests:
    def test_the_queue_follows_submission_time_to_the_microsecond(self, department_user, region_astana):
        order = make_order(actor=department_user)
        applications = [make_application(order=order, actor=make_user(f"q{i}", role="school",
                                                                       school=make_school(region=region_astana, name=f"Q{i}")))
                        for i in range(3)]
        base = dt.datetime(2026, 11, 20, 10, 0, 0, tzinfo=dt.UTC)
        # Submitted one microsecond apart, in the reverse order of creation (ids).
        for offset, application in zip((2, 1, 0), applications, strict=True):
            Application.objects.filter(pk=application.pk).update(submitted_at=base + dt.timedelta(microseconds=offset))
        entries = list(queue_entries().filter(order_id=order.pk))
        assert [e.pk for e in entries] == [applications[2].pk, applications[1].pk, applications[0].pk]
        assert [e.position for e in entries] == [1, 2, 3]
        assert entries[1].submitted_at.microsecond == 1  # stored to the microsecond

    def test_submission_times_come_from_the_database_clock_and_increase(self, department_user, region_astana):
        order = make_order(actor=department_user)
        applications = [make_application(order=order, actor=make_user(f"t{i}", role="school",
                                                                       school=make_school(region=region_astana, name=f"T{i}")))
                        for i in range(4)]
        times = [a.submitted_at for a in applications]
        assert times == sorted(times) and len(set(times)) == 4

    def test_positions_are_per_order_and_keep_withdrawn_entries_in_place(self, department_user, school_user, school_c_user):
        first_order, second_order = make_order(actor=department_user), make_order(actor=department_user)
        withdrawn = make_application(order=first_order, actor=school_user)
        make_application(order=first_order, actor=school_c_user)
        make_application(order=second_order, actor=school_c_user)
        application_withdraw(application=withdrawn, actor=school_user)
        entries = queue_entries()
        assert [(e.order_id, e.position, e.status) for e in entries.filter(order_id=first_order.pk)] == [
            (first_order.pk, 1, "withdrawn"), (first_order.pk, 2, "submitted")]
        assert [(e.order_id, e.position) for e in entries.filter(order_id=second_order.pk)] == [(second_order.pk, 1)]

    def test_the_public_sees_published_and_closed_orders_only(self, department_user):
        published = make_order(actor=department_user)
        make_order(actor=department_user, publish=False)
        assert list(public_orders()) == [published]
        assert list(public_orders()) == list(published.__class__.objects.visible_to(AnonymousUser()))
