"""FilterSets shared by the API and the pages."""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import MAX_ID, LookupFilter, RegionFilter, as_id
from orders.choices import ApplicationStatus, ContractStatus, OrderStatus
from orders.models import Application, Contract, StateOrder
from programmes.filters import InstrumentFilter, ProgrammeFilter
from schools.filters import SchoolFilter


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number within PostgreSQL's bigint (anything else is a 400, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class SchoolYearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("label", _("School year"))
        super().__init__(*args, **kwargs)


def contract_q(prefix: str) -> Callable[[str], Q]:
    """A contract by its number (``71-2025-0001``, any case) or its row id (digits only)."""

    def parse(value: str) -> Q:
        if (pk := as_id(value)) is not None:
            return Q(**{f"{prefix}_id": pk})
        return Q(**{f"{prefix}__number__iexact": value})

    return parse


class ContractFilter(LookupFilter):
    def __init__(self, *, field_name: str = "contract", **kwargs):
        kwargs.setdefault("label", _("contract (number or id)"))
        kwargs.setdefault("help_text", _("contract: its number (71-2025-0001) or its id"))
        super().__init__(parse=contract_q(field_name), field_name=field_name, **kwargs)


class StateOrderFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=_("Status"))
    school_year = SchoolYearFilter()
    region = RegionFilter(label=_("Region"))
    programme = ProgrammeFilter(field_name="programme_id")
    instrument = InstrumentFilter(field_name="programme__instrument")

    class Meta:
        model = StateOrder
        fields = ["status", "school_year", "region", "programme", "instrument"]


class ApplicationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))
    order = IdFilter(field_name="order_id", label=_("State order"))
    school = SchoolFilter(label=_("School"))
    school_year = SchoolYearFilter(field_name="order__school_year")
    programme = ProgrammeFilter(field_name="order__programme_id")
    instrument = InstrumentFilter(field_name="order__programme__instrument")
    region = RegionFilter(field_name="order__region", label=_("Region"))

    class Meta:
        model = Application
        fields = ["status", "order", "school", "school_year", "region", "programme", "instrument"]


class ContractFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("Status"))
    number = django_filters.CharFilter(field_name="number", lookup_expr="iexact", label=_("Number"), max_length=40)
    order = IdFilter(field_name="order_id", label=_("State order"))
    school = SchoolFilter(label=_("School"))
    school_year = SchoolYearFilter(field_name="order__school_year")
    programme = ProgrammeFilter(field_name="order__programme_id")
    instrument = InstrumentFilter(field_name="order__programme__instrument")
    region = RegionFilter(field_name="order__region", label=_("Region"))

    class Meta:
        model = Contract
        fields = ["status", "number", "order", "school", "school_year", "region", "programme", "instrument"]


class QueueFilterSet(django_filters.FilterSet):
    """Filters of the public queue. Only whole orders are selected, so queue positions stay true."""

    order = IdFilter(field_name="order_id", label=_("State order"))
    region = RegionFilter(field_name="order__region", label=_("Region"))
    school_year = SchoolYearFilter(field_name="order__school_year")
    programme = ProgrammeFilter(field_name="order__programme_id")
    instrument = InstrumentFilter(field_name="order__programme__instrument")

    class Meta:
        model = Application
        fields = ["order", "region", "school_year", "programme", "instrument"]
