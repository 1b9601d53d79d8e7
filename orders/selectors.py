"""Reads of orders, applications and contracts, always through the central scoping."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, F, Prefetch, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from core.scoping import scope_queryset
from orders.choices import OrderStatus
from orders.models import Application, ApplicationLevel, Contract, ContractLevel, StateOrder, StateOrderLevel

BLOCKING_CODES = ("S01", "S02", "S03")


def level_order():
    """Norm categories in their natural order (levels in teaching order) for ORDER BY, not alphabetically."""
    from programmes.instruments import FIXED_CATEGORY_LABELS

    keys = list(FIXED_CATEGORY_LABELS)
    return Case(*[When(level=key, then=Value(index)) for index, key in enumerate(keys)], default=Value(len(keys)))


def _levels(model):
    return Prefetch("levels", queryset=model.objects.order_by(level_order()))


def order_list(*, user, filters: dict | None = None):
    queryset = (StateOrder.objects.visible_to(user).select_related("region", "programme")
                .prefetch_related(_levels(StateOrderLevel)))
    if filters is not None:
        from orders.filters import StateOrderFilterSet

        queryset = StateOrderFilterSet(filters, queryset=queryset).qs
    return queryset


def open_orders_for_school(*, user):
    """Published orders the school may look at (its region), newest first."""
    return order_list(user=user).filter(status=OrderStatus.PUBLISHED)


def application_list(*, user, filters: dict | None = None):
    queryset = (
        Application.objects.visible_to(user)
        .select_related("order", "order__region", "order__programme", "school", "contract")
        .prefetch_related(_levels(ApplicationLevel))
        .order_by("order_id", "submitted_at", "id")
    )
    if filters is not None:
        from orders.filters import ApplicationFilterSet

        queryset = ApplicationFilterSet(filters, queryset=queryset).qs
    return queryset


def contract_list(*, user, filters: dict | None = None):
    queryset = (
        Contract.objects.visible_to(user)
        .select_related("order", "order__region", "order__programme", "school", "application")
        .prefetch_related(_levels(ContractLevel), "signatures", "documents")
    )
    if filters is not None:
        from orders.filters import ContractFilterSet

        queryset = ContractFilterSet(filters, queryset=queryset).qs
    return queryset


# --- the public queue -------------------------------------------------------------------

def public_orders():
    """Orders as anyone (anonymous) sees them: published and closed, never drafts."""
    return scope_queryset(StateOrder.objects.all(), AnonymousUser()).select_related("region", "programme").prefetch_related(_levels(StateOrderLevel))


def queue_entries(*, filters: dict | None = None):
    """The public application queue: by order, then submission time to the microsecond.

    ``position`` is the place in the order's queue (1 = first submitted). Only what the
    public may see: school names, places, status and times; never who submitted.
    """
    queryset = (
        scope_queryset(Application.objects.all(), AnonymousUser())
        .select_related("order", "order__region", "school")
        .prefetch_related(_levels(ApplicationLevel))
        .annotate(position=Window(RowNumber(), partition_by=[F("order_id")], order_by=[F("submitted_at").asc(), F("id").asc()]))
        .order_by("order_id", "submitted_at", "id")
    )
    if filters is not None:
        from orders.filters import QueueFilterSet

        queryset = QueueFilterSet(filters, queryset=queryset).qs
    return queryset


# --- the S01–S03 application block --------------------------------------------------------

def blocking_findings(*, school):
    """Open error findings on S01–S03 of ``school``: while any exists the school may not apply."""
    from checks.blocking import blocking_q
    from checks.models import Finding

    return (
        Finding.objects.filter(blocking_q(), school=school, code__in=BLOCKING_CODES)
        .select_related("last_run", "school")
        .order_by("code", "level", "id")
    )


def finding_explanation(finding) -> str:
    """One finding in plain words: what is wrong, since when, and what fixes it."""
    from programmes.labels import category_label

    level = category_label(finding.level)
    found_on = finding.last_run.check_date.strftime("%d.%m.%Y") if finding.last_run_id else ""
    if finding.code == "S01":
        text = (_("%(code)s — no active licence covers the level you teach (%(level)s); renew the licence or add the level to it")
                % {"code": finding.code, "level": level or _("a level")})
    elif finding.code == "S02":
        text = (_("%(code)s — the school's activity code (OKED %(oked)s) is not education (section 85); correct it in the registry")
                % {"code": finding.code, "oked": finding.school.oked or "—"})
    else:
        text = (_("%(code)s — the school is on the register of unreliable suppliers; a school on it cannot take part")
                % {"code": finding.code})
    if found_on:
        text += " " + _("(found by the check of %(date)s, finding #%(id)s)") % {"date": found_on, "id": finding.pk}
    return text
