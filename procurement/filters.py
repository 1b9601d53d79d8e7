"""FilterSets shared by the API and the pages."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procurement.choices import (
    UNDECIDED_UNIT_STATUSES,
    ClaimStatus,
    ContractStatus,
    FlagCode,
    FlagStatus,
    PenaltyStatus,
    UnitStatus,
)
from procurement.models import ContractLine, Delivery, DeliveryUnit, PenaltyClaim, ProcurementContract, ProcurementFlag, WarrantyClaim

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number within PostgreSQL's bigint (anything else is a 400, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class RegionFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Region (KATO code)"))
        kwargs.setdefault("max_length", 2)
        super().__init__(*args, **kwargs)


class ContractFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("Status"))
    region = RegionFilter(field_name="region_id")
    q = django_filters.CharFilter(method="search", label=_("Number or supplier"), max_length=100)
    school = IdFilter(method="by_school", label=_("School"))

    class Meta:
        model = ProcurementContract
        fields = ["status", "region", "q", "school"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(supplier_bin=value) | Q(supplier_name__icontains=value)) if value else queryset

    def by_school(self, queryset, name, value):
        return queryset.filter(pk__in=ContractLine.objects.filter(school_id=value).values("contract_id"))


class LineFilterSet(django_filters.FilterSet):
    contract = IdFilter(field_name="contract_id", label=_("Contract"))
    school = IdFilter(field_name="school_id", label=_("School"))
    item_code = django_filters.CharFilter(field_name="item_code", label=_("Item code"), max_length=40)

    class Meta:
        model = ContractLine
        fields = ["contract", "school", "item_code"]


class DeliveryFilterSet(django_filters.FilterSet):
    contract = IdFilter(field_name="contract_id", label=_("Contract"))
    school = IdFilter(field_name="school_id", label=_("School"))
    waiting = django_filters.BooleanFilter(method="by_waiting", label=_("Units waiting for a decision"),
                                           widget=forms.Select(choices=[("", "—"), ("true", _("yes")), ("false", _("no"))]))
    supplier_listed = django_filters.BooleanFilter(field_name="supplier_listed", label=_("Supplier on the register that day"),
                                                   widget=forms.Select(choices=[("", "—"), ("true", _("yes")), ("false", _("no"))]))

    class Meta:
        model = Delivery
        fields = ["contract", "school", "waiting", "supplier_listed"]

    def by_waiting(self, queryset, name, value):
        waiting = Q(units__status__in=UNDECIDED_UNIT_STATUSES)
        ids = Delivery.objects.filter(waiting).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class UnitFilterSet(django_filters.FilterSet):
    delivery = IdFilter(field_name="delivery_id", label=_("Delivery"))
    line = IdFilter(field_name="line_id", label=_("Contract line"))
    status = django_filters.ChoiceFilter(choices=UnitStatus.choices, label=_("Status"))
    serial_number = django_filters.CharFilter(method="by_serial", label=_("Serial number"), max_length=100)

    class Meta:
        model = DeliveryUnit
        fields = ["delivery", "line", "status", "serial_number"]

    def by_serial(self, queryset, name, value):
        return queryset.filter(serial_number="".join(value.split()).upper())


class PenaltyFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PenaltyStatus.choices, label=_("Status"))
    contract = IdFilter(field_name="line__contract_id", label=_("Contract"))

    class Meta:
        model = PenaltyClaim
        fields = ["status", "contract"]


class ClaimFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices, label=_("Status"))
    school = IdFilter(field_name="unit__delivery__school_id", label=_("School"))
    unit = IdFilter(field_name="unit_id", label=_("Unit"))

    class Meta:
        model = WarrantyClaim
        fields = ["status", "school", "unit"]


class FlagFilterSet(django_filters.FilterSet):
    code = django_filters.ChoiceFilter(choices=FlagCode.choices, label=_("Code"))
    status = django_filters.ChoiceFilter(choices=FlagStatus.choices, label=_("Status"))
    region = RegionFilter(field_name="region_id")
    contract = IdFilter(field_name="contract_id", label=_("Contract"))

    class Meta:
        model = ProcurementFlag
        fields = ["code", "status", "region", "contract"]
