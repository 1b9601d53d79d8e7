"""State orders: create and edit as a draft, publish, close."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import is_whole_months, school_year_bounds
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.scoping import require
from core.services import audit_record
from core.workflow import lock, status_allows, transition_apply, transition_check
from orders.choices import ApplicationStatus, OrderEvent
from orders.models import StateOrder, StateOrderLevel
from orders.transitions import ORDER_TRANSITIONS
from programmes.choices import Period, ProgrammeStatus
from programmes.defaults import default_programme
from programmes.periods import periods_between

MAX_PLACES = 1_000_000
MAX_NORM = Decimal("10000000.00")  # 10 million KZT per pupil and month: far above any real norm
MAX_BUDGET = Decimal("99999999999999.99")  # what DecimalField(16, 2) holds
MAX_SEN_COEFFICIENT = Decimal("10.00")
PROGRAMME_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./-]{0,19}$")


@dataclass
class LevelInput:
    places: int
    monthly_norm: Decimal


@dataclass
class OrderInput:
    """What a department enters for a state order (the web form and the API both build one)."""

    school_year: int
    programme_code: str
    budget: Decimal
    applications_open_at: dt.datetime
    applications_close_at: dt.datetime
    service_start: dt.date
    service_end: dt.date
    levels: dict[str, LevelInput] = field(default_factory=dict)
    sen_coefficient: Decimal = Decimal("1.00")
    title: str = ""  # in Kazakh
    title_ru: str = ""
    title_en: str = ""
    programme: object | None = None  # a programmes.Programme; None = the national school_per_capita one


ORDER_FIELDS = ("school_year", "programme_code", "title", "title_ru", "title_en", "budget", "sen_coefficient", "applications_open_at",
                "applications_close_at", "service_start", "service_end")


def _programme_for(data: OrderInput, actor, current=None):
    """The order's programme: active, national or of the actor's region (the current one may stay)."""
    programme = data.programme or (current.programme if current is not None else default_programme())
    if current is not None and programme.pk == current.programme_id:
        return programme
    if programme.status != ProgrammeStatus.ACTIVE:
        raise DomainError(_("Calls are announced only under an active programme."), field="programme",
                          code="programme_not_active")
    if programme.region_id not in (None, actor.region_id):
        raise PermissionDeniedError(_("This programme belongs to another region."), code="out_of_scope")
    return programme


def _validate(data: OrderInput) -> None:
    """Every rule an order's data must meet; raises DomainError naming the field."""
    if not 2000 <= data.school_year <= 2100:
        raise DomainError(_("Enter the school year as its first year, e.g. 2025 for 2025–2026."), field="school_year")
    if not PROGRAMME_CODE.match(data.programme_code or ""):
        raise DomainError(_("Enter the budget programme code (letters, digits, dots, dashes; up to 20 characters)."),
                          field="programme_code")
    for name in ("title", "title_ru", "title_en"):
        if len(getattr(data, name) or "") > 300:
            raise DomainError(_("The title is longer than 300 characters."), field=name)
    if not Decimal(0) <= data.budget <= MAX_BUDGET:
        raise DomainError(_("The money available must be between 0 and 99 999 999 999 999,99 KZT."), field="budget")
    if not Decimal(1) <= data.sen_coefficient <= MAX_SEN_COEFFICIENT:
        raise DomainError(_("The coefficient for special educational needs must be between 1 and 10."), field="sen_coefficient")
    if data.applications_close_at <= data.applications_open_at:
        raise DomainError(_("Applications must close after they open."), field="applications_close_at")
    first, last = school_year_bounds(data.school_year)
    if not (first <= data.service_start <= data.service_end <= last):
        raise DomainError(
            _("The service period must lie within the school year (%(first)s – %(last)s).")
            % {"first": first.strftime("%d.%m.%Y"), "last": last.strftime("%d.%m.%Y")},
            field="service_start",
        )
    if not is_whole_months(data.service_start, data.service_end):
        raise DomainError(_("The service period must run from the first day of a month to the last day of a month."),
                          field="service_end")
    categories = set(data.programme.category_labels())
    if set(data.levels) - categories:
        raise DomainError(_("Unknown category of the programme: %(keys)s.")
                          % {"keys": ", ".join(sorted(set(data.levels) - categories))}, field="levels")
    if data.programme.period == Period.TERM and not periods_between(data.programme, data.service_start, data.service_end):
        raise DomainError(_("No academic term of the programme lies within the service period."), field="service_end",
                          code="no_term")
    for level, row in data.levels.items():
        if not 0 <= row.places <= MAX_PLACES:
            raise DomainError(_("Places must be between 0 and 1 000 000."), field="levels", details={"level": level})
        if not Decimal(0) <= row.monthly_norm <= MAX_NORM:
            raise DomainError(_("The monthly norm must be between 0 and 10 000 000 KZT."), field="levels", details={"level": level})
    if not any(row.places > 0 for row in data.levels.values()):
        raise DomainError(_("Order places for at least one level."), field="levels")


def _snapshot(order: StateOrder) -> dict:
    values = {name: getattr(order, name) for name in ORDER_FIELDS}
    values["programme"] = order.programme.code
    values["levels"] = {lv.level: {"places": lv.places, "monthly_norm": lv.monthly_norm} for lv in order.levels.all()}
    return values


def _write_levels(order: StateOrder, levels: dict[str, LevelInput]) -> None:
    order.levels.all().delete()
    StateOrderLevel.objects.bulk_create([
        StateOrderLevel(order=order, level=level, places=row.places, monthly_norm=row.monthly_norm)
        for level, row in sorted(levels.items()) if row.places > 0
    ])


@transaction.atomic
def order_create(*, data: OrderInput, actor) -> StateOrder:
    """A department officer drafts a state order for its own region."""
    require(actor, "add", StateOrder(region_id=getattr(actor, "region_id", None)))
    data.programme = _programme_for(data, actor)
    _validate(data)
    order = StateOrder.objects.create(
        region_id=actor.region_id, created_by=actor, programme=data.programme,
        **{name: getattr(data, name) for name in ORDER_FIELDS},
    )
    _write_levels(order, data.levels)
    values = {**asdict(data), "programme": data.programme.code}
    audit_record(actor=actor, action=OrderEvent.CREATED, subject=order, to_status=order.status,
                 data={"values": values})
    return order


@transaction.atomic
def order_update(*, order: StateOrder, data: OrderInput, actor) -> StateOrder:
    """Change a draft order; every changed value is logged as old → new."""
    order = lock(order)
    require(actor, "change", order)
    if not status_allows(order, ORDER_TRANSITIONS, "change"):
        raise ConflictError(_("Only a draft order can be edited; this one is “%(status)s”.")
                            % {"status": order.get_status_display()}, code="not_draft")
    data.programme = _programme_for(data, actor, current=order)
    _validate(data)
    before = _snapshot(order)
    order.programme = data.programme
    for name in ORDER_FIELDS:
        setattr(order, name, getattr(data, name))
    order.save()
    _write_levels(order, data.levels)
    order.refresh_from_db()
    after = _snapshot(order)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        audit_record(actor=actor, action=OrderEvent.UPDATED, subject=order, from_status=order.status,
                     to_status=order.status, data={"changes": changes})
    return order


@transaction.atomic
def order_publish(*, order: StateOrder, actor) -> StateOrder:
    """Publish a draft: schools of the region see it and may apply inside the window."""
    locked = lock(order)
    transition_check(obj=locked, transitions=ORDER_TRANSITIONS, action="publish", actor=actor)
    if locked.programme.status != ProgrammeStatus.ACTIVE:
        raise ConflictError(_("The programme of this call is not active."), code="programme_not_active")
    if locked.applications_close_at <= timezone.now():
        raise DomainError(_("The application window has already closed; move it into the future before publishing."),
                          field="applications_close_at", code="window_past")
    if not locked.levels.filter(places__gt=0).exists():
        raise DomainError(_("Order places for at least one level."), field="levels")
    return transition_apply(obj=locked, transitions=ORDER_TRANSITIONS, action="publish", actor=actor,
                            data={"snapshot": _snapshot(locked)})


@transaction.atomic
def order_close(*, order: StateOrder, actor, reason: str = "") -> StateOrder:
    """Close a published order once every application is decided (or withdrawn)."""
    locked = lock(order)  # submissions lock the order too: none can slip in meanwhile
    transition_check(obj=locked, transitions=ORDER_TRANSITIONS, action="close", actor=actor)
    pending = locked.applications.filter(status=ApplicationStatus.SUBMITTED).count()
    if pending:
        raise ConflictError(
            _("%(count)s application(s) still wait for a decision; approve or reject them before closing the order.")
            % {"count": pending},
            code="applications_pending", details={"pending": pending},
        )
    return transition_apply(obj=locked, transitions=ORDER_TRANSITIONS, action="close", actor=actor, reason=reason)
