"""Filters of schools, licences and register entries, shared by the API and the pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import LookupFilter, RegionFilter, as_id
from schools.choices import ChangeKind, Level, LicenceStatus, ProviderKind, SchoolStatus
from schools.models import Licence, School, SchoolChange, UnreliableSupplierEntry
from schools.rules import register_entry_in_force_q
from schools.widgets import SchoolAutocomplete


def school_q(prefix: str) -> Callable[[str], Q]:
    """A school by its BIN (12 digits), its row id (fewer digits) or a part of its name (anything else);
    ``prefix`` is the lookup to the school ("" on the School model itself)."""

    def key(name: str) -> str:
        return f"{prefix}__{name}" if prefix else name

    def parse(value: str) -> Q:
        value = value.strip()
        if re.fullmatch(r"[0-9]{12}", value):
            return Q(**{key("bin"): value})
        if (pk := as_id(value)) is not None:
            return Q(**{f"{prefix}_id" if prefix else "pk": pk})
        return Q(**{key("name_kk__icontains"): value}) | Q(**{key("name_ru__icontains"): value})

    return parse


class SchoolFilter(LookupFilter):
    """A school by BIN, id or name (``school_q``)."""

    def __init__(self, *, field_name: str = "school", **kwargs):
        kwargs.setdefault("label", _("school (BIN, name or id)"))
        kwargs.setdefault("help_text", _("school: its BIN (12 digits), a part of its name, or its id"))
        kwargs.setdefault("widget", SchoolAutocomplete)
        super().__init__(parse=school_q(field_name), field_name=field_name, **kwargs)


class SchoolFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("name or BIN"), method="filter_q", max_length=100)
    region = RegionFilter(label=_("region"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=SchoolStatus.choices)
    has_open_errors = django_filters.BooleanFilter(label=_("has open errors"), method="filter_open_errors")
    bin = django_filters.CharFilter(label=_("BIN"), field_name="bin", max_length=12)
    kind = django_filters.ChoiceFilter(label=_("kind of organisation"), choices=ProviderKind.choices)

    class Meta:
        model = School
        fields = ["q", "region", "status", "has_open_errors", "bin", "kind"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(bin__startswith=value) | Q(name_kk__icontains=value) | Q(name_ru__icontains=value))

    def filter_open_errors(self, queryset, name, value):
        from schools.selectors import with_open_errors

        return with_open_errors(queryset).filter(open_errors__gt=0) if value else with_open_errors(queryset).filter(open_errors=0)


class LicenceFilterSet(django_filters.FilterSet):
    bin = django_filters.CharFilter(label=_("BIN"), field_name="bin", max_length=12)
    status = django_filters.ChoiceFilter(label=_("status"), choices=LicenceStatus.choices)
    level = django_filters.ChoiceFilter(label=_("level"), choices=Level.choices, method="filter_level")

    class Meta:
        model = Licence
        fields = ["bin", "status", "level"]

    def filter_level(self, queryset, name, value):
        return queryset.filter(levels__contains=[value])


class UnreliableSupplierFilterSet(django_filters.FilterSet):
    bin = django_filters.CharFilter(label=_("BIN"), field_name="bin", max_length=12)
    in_force_on = django_filters.DateFilter(label=_("in force on"), method="filter_in_force_on")

    class Meta:
        model = UnreliableSupplierEntry
        fields = ["bin", "in_force_on"]

    def filter_in_force_on(self, queryset, name, value):
        return queryset.filter(register_entry_in_force_q(value))


class SchoolChangeFilterSet(django_filters.FilterSet):
    bin = django_filters.CharFilter(label=_("BIN"), field_name="bin", max_length=12)
    kind = django_filters.ChoiceFilter(label=_("what"), choices=ChangeKind.choices)

    class Meta:
        model = SchoolChange
        fields = ["bin", "kind"]
