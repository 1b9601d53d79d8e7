"""Demo state orders, applications and contracts, made through the services (idempotent).

Region 71 (Astana, officer ``department``):
* the main order of the current school year, published, with two ACTIVE contracts — the
  first demo school (``school``) as asked, the second (``school_zerde``) with fewer places;
* an additional order, published, whose public queue holds a withdrawn and a waiting application;
* a closed order with a rejected application;
* a draft order for the next school year.
Region 75 (Almaty, officer ``department_almaty``): a published order with a waiting application.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from accounts.services import user_upsert
from core.calendar import school_year_bounds, school_year_of
from core.roles import Role
from orders.models import StateOrder
from orders.services import (
    LevelInput,
    OrderInput,
    application_approve,
    application_reject,
    application_submit,
    application_withdraw,
    contract_sign,
    order_close,
    order_create,
    order_publish,
)

TITLES = {  # in Kazakh (the order's ``title``); TRANSLATED_TITLES gives the Russian and English ones
    "main": "Жекеменшік мектептердегі мемлекеттік білім беру тапсырысы",
    "extra": "Қосымша тапсырыс: негізгі орта білім",
    "closed": "Мектепалды сыныптары (аяқталған конкурс)",
    "next": "Келесі оқу жылының тапсырысы (жоба)",
    "almaty": "Алматы қаласының мемлекеттік білім беру тапсырысы",
}
TRANSLATED_TITLES = {
    "main": ("Государственный образовательный заказ в частных школах", "State educational order in private schools"),
    "extra": ("Дополнительный заказ: основное среднее образование", "Additional order: basic secondary education"),
    "closed": ("Предшкольные классы (завершённый конкурс)", "Pre-school classes (competition closed)"),
    "next": ("Заказ на следующий учебный год (проект)", "Order for the next school year (draft)"),
    "almaty": ("Государственный образовательный заказ города Алматы", "State educational order of Almaty city"),
}
EXTRA_SCHOOL_USERS = [("school_zerde", 1), ("school_alatau", 2)]  # (username, index into ctx["schools"])


def _input(*, school_year: int, code: str, key: str, budget: str, levels: dict, opens_days: int = -10,
           open_days: int = 40) -> OrderInput:
    now = timezone.now().replace(second=0, microsecond=0)
    first, _last = school_year_bounds(school_year)
    return OrderInput(
        school_year=school_year, programme_code=code, title=TITLES[key],
        title_ru=TRANSLATED_TITLES[key][0], title_en=TRANSLATED_TITLES[key][1], budget=Decimal(budget), sen_coefficient=Decimal("1.50"),
        applications_open_at=now + dt.timedelta(days=opens_days),
        applications_close_at=now + dt.timedelta(days=opens_days + open_days),
        service_start=first, service_end=dt.date(school_year + 1, 5, 31),
        levels={level: LevelInput(places=places, monthly_norm=Decimal(norm)) for level, (places, norm) in levels.items()},
    )


def _sign_both(contract, school_user, department_user):
    contract = contract_sign(contract=contract, document_sha256=contract.document.sha256, actor=school_user)
    return contract_sign(contract=contract, document_sha256=contract.document.sha256, actor=department_user)


def seed(ctx: dict) -> None:
    out = ctx.get("stdout")
    schools = ctx["schools"]
    for username, index in EXTRA_SCHOOL_USERS:  # signers for the second and third demo schools
        user_upsert(username=username, role=Role.SCHOOL, school_bin=schools[index].bin, password=ctx["password"])
        ctx["logins"].append((username, Role.SCHOOL, ctx["password"]))
    if StateOrder.objects.filter(title__in=TITLES.values()).exists():
        if out:
            out.write("orders: demo orders already there, nothing added")
        return
    department = User.objects.get(username="department")
    department_almaty = User.objects.get(username="department_almaty")
    school, zerde, alatau = (User.objects.get(username=name) for name in ("school", "school_zerde", "school_alatau"))
    year = school_year_of(timezone.localdate())

    main = order_publish(order=order_create(actor=department, data=_input(
        school_year=year, code="261-015-000", key="main", budget="2500000000.00",
        levels={"primary": (300, "63500.00"), "basic": (200, "72000.00"), "general": (60, "80500.00")},
    )), actor=department)
    first = application_submit(order=main, places={"primary": 120, "basic": 80, "general": 20}, actor=school)
    second = application_submit(order=main, places={"primary": 90, "basic": 60}, actor=zerde)
    first = application_approve(application=first, actor=department)
    second = application_approve(application=second, actor=department, places={"primary": 80, "basic": 60},
                                 note="Бастауыш деңгейде 80 орын бөлінді / На начальном уровне выделено 80 мест")
    contracts = [_sign_both(first.contract, school, department), _sign_both(second.contract, zerde, department)]

    extra = order_publish(order=order_create(actor=department, data=_input(
        school_year=year, code="261-015-000", key="extra", budget="300000000.00",
        levels={"basic": (50, "72000.00")},
    )), actor=department)
    application_withdraw(application=application_submit(order=extra, places={"basic": 10}, actor=school), actor=school,
                         reason="Орындар негізгі тапсырыс бойынша жеткілікті")
    application_submit(order=extra, places={"basic": 15}, actor=zerde)

    closed = order_publish(order=order_create(actor=department, data=_input(
        school_year=year, code="261-016-000", key="closed", budget="50000000.00",
        levels={"primary": (40, "55000.00")},
    )), actor=department)
    rejected = application_submit(order=closed, places={"primary": 20}, actor=zerde)
    application_reject(application=rejected, actor=department,
                       reason="Мектепалды сыныбына лицензия жоқ / Нет лицензии на предшкольный класс")
    order_close(order=closed, actor=department)

    order_create(actor=department, data=_input(
        school_year=year + 1, code="261-015-000", key="next", budget="2700000000.00",
        levels={"primary": (320, "66000.00"), "basic": (220, "75000.00"), "general": (70, "83500.00")},
        opens_days=200, open_days=30,
    ))

    almaty = order_publish(order=order_create(actor=department_almaty, data=_input(
        school_year=year, code="261-015-000", key="almaty", budget="1800000000.00",
        levels={"primary": (250, "64000.00"), "basic": (150, "73000.00")},
    )), actor=department_almaty)
    application_submit(order=almaty, places={"primary": 100, "basic": 40}, actor=alatau)

    ctx["contracts"] = contracts
    if out:
        out.write("orders: 5 state orders, 6 applications, active contracts " + ", ".join(c.number for c in contracts))
