import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.selectors import audit_events_for
from orders.choices import OrderStatus
from orders.services import LevelInput, application_reject, order_close, order_create, order_publish, order_update
from tests.orders.factories import make_application, make_order, order_input

pytestmark = pytest.mark.django_db


class OrderCreateTests:
    def test_department_drafts_an_order_for_its_own_region_with_levels(self, department_user):
        order = order_create(data=order_input(), actor=department_user)
        assert order.status == OrderStatus.DRAFT
        assert order.region_id == "71"
        assert {row.level: (row.places, row.monthly_norm) for row in order.levels.all()} == {
            "primary": (100, Decimal("60000.00")), "basic": (80, Decimal("70000.00")), "general": (20, Decimal("80000.00")),
        }
        [event] = audit_events_for(subject=order)
        assert (event.action, event.to_status, event.actor) == ("order_created", "draft", department_user)

    @pytest.mark.parametrize("role_fixture", ["school_user", "operator_user", "monitor_user", "admin_user_portal"])
    def test_only_a_department_officer_may_create_an_order(self, request, role_fixture):
        with pytest.raises(PermissionDeniedError):
            order_create(data=order_input(), actor=request.getfixturevalue(role_fixture))

    @pytest.mark.parametrize("change, field", [
        ({"service_start": dt.date(2026, 9, 2)}, "service_end"),
        ({"service_end": dt.date(2027, 5, 30)}, "service_end"),
        ({"service_start": dt.date(2026, 8, 1)}, "service_start"),
        ({"service_end": dt.date(2027, 9, 30)}, "service_start"),
        ({"levels": {"primary": (0, "1.00")}}, "levels"),
        ({"budget": "-1"}, "budget"),
        ({"sen": "0.50"}, "sen_coefficient"),
        ({"open_for": dt.timedelta(0)}, "applications_close_at"),
        ({"programme_code": ""}, "programme_code"),
    ])
    def test_invalid_order_data_is_refused_naming_the_field(self, department_user, change, field):
        with pytest.raises(DomainError) as error:
            order_create(data=order_input(**change), actor=department_user)
        assert error.value.field == field


class OrderUpdateTests:
    def test_a_draft_is_edited_and_every_change_is_logged_old_to_new(self, department_user):
        order = order_create(data=order_input(), actor=department_user)
        data = order_input(budget="2000000000.00")
        data.levels["primary"] = LevelInput(places=120, monthly_norm=Decimal("61000.00"))
        order_update(order=order, data=data, actor=department_user)
        order.refresh_from_db()
        assert order.budget == Decimal("2000000000.00")
        event = audit_events_for(subject=order).get(action="order_updated")
        changes = event.data["changes"]
        assert changes["budget"] == ["1000000000.00", "2000000000.00"]
        assert changes["levels"][0]["primary"] == {"places": 100, "monthly_norm": "60000.00"}
        assert changes["levels"][1]["primary"] == {"places": 120, "monthly_norm": "61000.00"}
        assert "programme_code" not in changes

    def test_a_published_order_cannot_be_edited(self, department_user):
        order = make_order(actor=department_user)
        with pytest.raises(ConflictError):
            order_update(order=order, data=order_input(budget="1.00"), actor=department_user)
        order.refresh_from_db()
        assert order.budget == Decimal("1000000000.00")

    def test_another_regions_department_cannot_edit(self, department_user, other_department_user):
        order = order_create(data=order_input(), actor=department_user)
        with pytest.raises(PermissionDeniedError):
            order_update(order=order, data=order_input(budget="1.00"), actor=other_department_user)


class OrderPublishCloseTests:
    def test_publish_then_close_writes_one_audit_event_each(self, department_user):
        order = make_order(actor=department_user)
        order = order_close(order=order, actor=department_user)
        assert order.status == OrderStatus.CLOSED
        assert [(e.action, e.from_status, e.to_status) for e in audit_events_for(subject=order)] == [
            ("order_created", "", "draft"), ("order_published", "draft", "published"), ("order_closed", "published", "closed"),
        ]

    def test_an_order_whose_window_has_closed_cannot_be_published(self, department_user):
        order = order_create(data=order_input(opens_in=dt.timedelta(days=-10), open_for=dt.timedelta(days=1)),
                             actor=department_user)
        with pytest.raises(DomainError) as error:
            order_publish(order=order, actor=department_user)
        assert error.value.code == "window_past"

    def test_closing_waits_until_every_application_is_decided(self, department_user, school_user):
        order = make_order(actor=department_user)
        application = make_application(order=order, actor=school_user)
        with translation.override("en"), pytest.raises(ConflictError) as error:
            order_close(order=order, actor=department_user)
        assert "1 application(s) still wait for a decision" in str(error.value)
        application_reject(application=application, actor=department_user, reason="Incomplete")
        assert order_close(order=order, actor=department_user).status == OrderStatus.CLOSED

    def test_a_closed_order_cannot_be_published_again(self, department_user):
        order = order_close(order=make_order(actor=department_user), actor=department_user)
        with pytest.raises(ConflictError):
            order_publish(order=order, actor=department_user)

    def test_a_school_cannot_publish(self, department_user, school_user):
        order = make_order(actor=department_user)
        with pytest.raises(PermissionDeniedError):
            order_close(order=order, actor=school_user)
