"""A school's dossier in one place: its applications (and the orders they went to), contracts, acts,
payments and recoveries, each read through ``core.scoping.restrict`` for the user who looks.

Each section shows the newest rows (``ROWS``) with the number of all the user may see and a link to
the full list filtered by the school's BIN.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from acts.models import Act
from core.scoping import restrict
from orders.models import Application, Contract
from payments.models import Payment, Recovery

ROWS = 10


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list
    count: int
    list_url: str


def _section(key: str, title, queryset: QuerySet, user, list_name: str, bin_: str) -> Section:
    visible = restrict(queryset, user)
    return Section(key=key, title=str(title), rows=list(visible[:ROWS]), count=visible.count(),
                   list_url=f"{reverse(list_name)}?school={bin_}")


def school_dossier(*, user, school) -> list[Section]:
    """The sections of ``school``'s dossier that ``user`` may see (an empty section is kept: it says "none")."""
    bin_ = school.bin
    return [
        _section("applications", _("Applications and orders"),
                 Application.objects.filter(school=school).select_related("order", "order__region").order_by("-submitted_at", "-id"),
                 user, "orders:application_list", bin_),
        _section("contracts", _("Contracts"),
                 Contract.objects.filter(school=school).select_related("order").order_by("-period_start", "-id"),
                 user, "orders:contract_list", bin_),
        _section("acts", _("Acts"), Act.objects.filter(school=school).select_related("contract").order_by("-month", "-id"),
                 user, "acts:list", bin_),
        _section("payments", _("Payments"),
                 Payment.objects.filter(act__school=school).select_related("act", "act__contract").order_by("-id"), user, "payments:payments", bin_),
        _section("recoveries", _("Recoveries"),
                 Recovery.objects.filter(contract__school=school).select_related("contract").order_by("-id"),
                 user, "payments:recoveries", bin_),
    ]
