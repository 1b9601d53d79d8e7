"""Filters of risk flags and scores, shared by the API and the pages."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.models import Region
from risk.choices import RiskCode, RiskFlagStatus
from risk.models import RiskFlag, RiskFlagSchool, RiskScore

MAX_ID = 2**63 - 1


class RiskFlagFilterSet(django_filters.FilterSet):
    code = django_filters.MultipleChoiceFilter(label=_("code"), choices=RiskCode.choices)
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=RiskFlagStatus.choices)
    school = django_filters.NumberFilter(label=_("school (id)"), method="filter_school", min_value=1, max_value=MAX_ID)
    school_bin = django_filters.CharFilter(label=_("school BIN"), method="filter_school_bin", max_length=12)
    # the region's two-digit KATO code (the flag's schools are filtered, so the schema cannot read its type off a field)
    region = extend_schema_field(OpenApiTypes.STR)(django_filters.ModelChoiceFilter(
        label=_("region"), method="filter_region", queryset=Region.objects.all(), to_field_name="code"))
    iin = django_filters.CharFilter(label=_("IIN"), field_name="pupil_iin", max_length=12)
    run = django_filters.NumberFilter(label=_("risk run (id)"), field_name="last_run_id", min_value=1, max_value=MAX_ID)
    date_from = django_filters.DateFilter(label=_("date D from"), field_name="last_run__check_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("date D to"), field_name="last_run__check_date", lookup_expr="lte")

    class Meta:
        model = RiskFlag
        fields = ["code", "status", "school", "school_bin", "region", "iin", "run", "date_from", "date_to"]

    def _concerning(self, queryset, **lookup):
        return queryset.filter(pk__in=RiskFlagSchool.objects.filter(**lookup).values("flag_id"))

    def filter_school(self, queryset, name, value):
        return self._concerning(queryset, school_id=value) if value else queryset

    def filter_school_bin(self, queryset, name, value):
        return self._concerning(queryset, school__bin=value) if value else queryset

    def filter_region(self, queryset, name, value):
        return self._concerning(queryset, school__region=value) if value else queryset


class RiskScoreFilterSet(django_filters.FilterSet):
    run = django_filters.NumberFilter(label=_("risk run (id)"), field_name="run_id", min_value=1, max_value=MAX_ID)
    region = django_filters.ModelChoiceFilter(label=_("region"), field_name="region", queryset=Region.objects.all(),
                                              to_field_name="code")
    school = django_filters.NumberFilter(label=_("school (id)"), field_name="school_id", min_value=1, max_value=MAX_ID)
    outlier = django_filters.BooleanFilter(label=_("outlier among peers"), field_name="outlier")

    class Meta:
        model = RiskScore
        fields = ["run", "region", "school", "outlier"]
