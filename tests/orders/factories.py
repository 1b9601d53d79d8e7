"""Builders for orders, applications and contracts — made through the services, as users would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from orders.services import (
    LevelInput,
    OrderInput,
    application_approve,
    application_submit,
    contract_sign,
    order_create,
    order_publish,
)

DEFAULT_LEVELS = {
    "primary": (100, "60000.00"),
    "basic": (80, "70000.00"),
    "general": (20, "80000.00"),
}


def order_input(*, school_year: int = 2026, budget="1000000000.00", levels=None, sen="1.50",
                opens_in: dt.timedelta = dt.timedelta(days=-1), open_for: dt.timedelta = dt.timedelta(days=30),
                service_start: dt.date | None = None, service_end: dt.date | None = None,
                programme_code: str = "261-015", title: str = "") -> OrderInput:
    now = timezone.now()
    levels = DEFAULT_LEVELS if levels is None else levels
    return OrderInput(
        school_year=school_year, programme_code=programme_code, title=title, budget=Decimal(budget),
        sen_coefficient=Decimal(sen),
        applications_open_at=now + opens_in, applications_close_at=now + opens_in + open_for,
        service_start=service_start or dt.date(school_year, 9, 1),
        service_end=service_end or dt.date(school_year + 1, 5, 31),
        levels={level: LevelInput(places=places, monthly_norm=Decimal(norm)) for level, (places, norm) in levels.items()},
    )


def make_order(*, actor, publish: bool = True, **kwargs):
    order = order_create(data=order_input(**kwargs), actor=actor)
    if publish:
        order = order_publish(order=order, actor=actor)
    return order


def make_application(*, order, actor, places=None):
    return application_submit(order=order, places=places or {"primary": 10, "basic": 5}, actor=actor)


def make_active_contract(*, order, school_actor, department_actor, places=None):
    application = make_application(order=order, actor=school_actor, places=places)
    application = application_approve(application=application, actor=department_actor)
    contract = application.contract
    contract = contract_sign(contract=contract, document_sha256=contract.document.sha256, actor=school_actor)
    return contract_sign(contract=contract, document_sha256=contract.document.sha256, actor=department_actor)
