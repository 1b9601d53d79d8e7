"""Filters of the open API and pages (django-filter), shared by both."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from checks.choices import FindingCode
from opendata import models as public
from opendata.choices import Grain
from orders.filters import IdFilter, RegionFilter, SchoolYearFilter
from schools.choices import Level


class BinFilter(django_filters.CharFilter):
    """A school by its BIN (12 digits; anything else is a 400)."""

    field_class = forms.RegexField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("School (BIN)"))
        kwargs.setdefault("field_name", "school__bin")
        kwargs.setdefault("regex", r"^[0-9]{12}$")
        super().__init__(*args, **kwargs)


class GrainFilterSet(django_filters.FilterSet):
    grain = django_filters.ChoiceFilter(choices=Grain.choices, label=_("Level of aggregation"))
    region = RegionFilter(field_name="region_id")
    school = BinFilter()


class ContingentFilterSet(GrainFilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))

    class Meta:
        model = public.ContingentFigure
        fields = ["grain", "region", "school", "level"]


class FindingFilterSet(GrainFilterSet):
    code = django_filters.ChoiceFilter(choices=FindingCode.choices, label=_("Code"))

    class Meta:
        model = public.FindingFigure
        fields = ["grain", "region", "school", "code"]


class MonthlyFilterSet(GrainFilterSet):
    contract = django_filters.CharFilter(field_name="contract__number", max_length=40, label=_("Contract number"))
    school_year = SchoolYearFilter()
    month = django_filters.DateFilter(label=_("Month (its first day)"))

    class Meta:
        model = public.MonthlyFigure
        fields = ["grain", "region", "school", "contract", "school_year", "month"]


class OrderFilterSet(django_filters.FilterSet):
    region = RegionFilter(field_name="region_id")
    school_year = SchoolYearFilter()

    class Meta:
        model = public.PublicOrder
        fields = ["region", "school_year"]


class QueueFilterSet(django_filters.FilterSet):
    order = IdFilter(field_name="order_id", label=_("State order"))
    region = RegionFilter(field_name="region_id")
    school = BinFilter()

    class Meta:
        model = public.PublicApplication
        fields = ["order", "region", "school"]


class ContractFilterSet(django_filters.FilterSet):
    order = IdFilter(field_name="order_id", label=_("State order"))
    region = RegionFilter(field_name="region_id")
    school = BinFilter()
    school_year = SchoolYearFilter()

    class Meta:
        model = public.PublicContract
        fields = ["order", "region", "school", "school_year"]


class PaymentFilterSet(django_filters.FilterSet):
    region = RegionFilter(field_name="region_id")
    school = BinFilter()
    contract = django_filters.CharFilter(field_name="contract__number", max_length=40, label=_("Contract number"))
    month = django_filters.DateFilter(label=_("Month (its first day)"))

    class Meta:
        model = public.PublicPayment
        fields = ["region", "school", "contract", "month"]


class SchoolFilterSet(django_filters.FilterSet):
    region = RegionFilter(field_name="region_id")

    class Meta:
        model = public.PublicSchool
        fields = ["region"]
