"""FilterSets shared by the API and the pages."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from orders.choices import ApplicationStatus, ContractStatus, OrderStatus
from orders.models import Application, Contract, StateOrder
from programmes.filters import InstrumentFilter, ProgrammeFilter

MAX_ID = 2**63 - 1


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


class RegionFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Region (KATO code)"))
        kwargs.setdefault("max_length", 2)
        super().__init__(*args, **kwargs)


class StateOrderFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=_("Status"))
    school_year = SchoolYearFilter()
    region = RegionFilter(field_name="region_id")
    programme = ProgrammeFilter(field_name="programme_id")
    instrument = InstrumentFilter(field_name="programme__instrument")

    class Meta:
        model = StateOrder
        fields = ["status", "school_year", "region", "programme", "instrument"]


class ApplicationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))
    order = IdFilter(field_name="order_id", label=_("State order"))
    school = IdFilter(field_name="school_id", label=_("School"))
    school_year = SchoolYearFilter(field_name="order__school_year")
    programme = ProgrammeFilter(field_name="order__programme_id")
    instrument = InstrumentFilter(field_name="order__programme__instrument")

    class Meta:
        model = Application
        fields = ["status", "order", "school", "school_year", "programme", "instrument"]


class ContractFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("Status"))
    order = IdFilter(field_name="order_id", label=_("State order"))
    school = IdFilter(field_name="school_id", label=_("School"))
    school_year = SchoolYearFilter(field_name="order__school_year")
    programme = ProgrammeFilter(field_name="order__programme_id")
    instrument = InstrumentFilter(field_name="order__programme__instrument")

    class Meta:
        model = Contract
        fields = ["status", "order", "school", "school_year", "programme", "instrument"]


class QueueFilterSet(django_filters.FilterSet):
    """Filters of the public queue. Only whole orders are selected, so queue positions stay true."""

    order = IdFilter(field_name="order_id", label=_("State order"))
    region = RegionFilter(field_name="order__region_id")
    school_year = SchoolYearFilter(field_name="order__school_year")
    programme = ProgrammeFilter(field_name="order__programme_id")
    instrument = InstrumentFilter(field_name="order__programme__instrument")

    class Meta:
        model = Application
        fields = ["order", "region", "school_year", "programme", "instrument"]
