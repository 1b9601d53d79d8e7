"""Filters of risk flags, scores and runs, shared by the API and the pages.

Schools, regions and pupils are named as everywhere else (``core.filters``, ``schools.filters``,
``contingent.filters``): a school by BIN, a part of its name or its id, a region by its KATO code (2 or
9 digits), a pupil by IIN (12 digits); a value that cannot be one is a clear error (a 400 in the API).
A flag may concern several schools (``RiskFlagSchool``): its school and region filters match any of them.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from contingent.filters import IinFilter
from core.filters import MAX_ID, RegionFilter
from risk.choices import RiskCode, RiskFlagStatus, RiskRunStatus, RiskRunTrigger
from risk.models import RiskFlag, RiskFlagSchool, RiskRun, RiskScore
from schools.filters import SchoolFilter


class _Concerning:
    """A filter of flags by the schools they concern: the lookup is made on ``RiskFlagSchool`` (one row per
    flag and school, so a flag concerning two matching schools is listed once)."""

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(pk__in=RiskFlagSchool.objects.filter(value).values("flag_id"))


class FlagSchoolFilter(_Concerning, SchoolFilter):
    pass


class FlagRegionFilter(_Concerning, RegionFilter):
    pass


class RiskFlagFilterSet(django_filters.FilterSet):
    code = django_filters.MultipleChoiceFilter(label=_("code"), choices=RiskCode.choices)
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=RiskFlagStatus.choices)
    school = FlagSchoolFilter(field_name="school")
    school_bin = django_filters.CharFilter(label=_("school BIN"), method="filter_school_bin", max_length=12)
    region = FlagRegionFilter(field_name="school__region", label=_("region"))
    iin = IinFilter(field_name="pupil_iin", label=_("IIN"))
    run = django_filters.NumberFilter(label=_("risk run (id)"), field_name="last_run_id", min_value=1, max_value=MAX_ID)
    date_from = django_filters.DateFilter(label=_("date D from"), field_name="last_run__check_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("date D to"), field_name="last_run__check_date", lookup_expr="lte")

    class Meta:
        model = RiskFlag
        fields = ["code", "status", "school", "school_bin", "region", "iin", "run", "date_from", "date_to"]

    def filter_school_bin(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=RiskFlagSchool.objects.filter(school__bin=value).values("flag_id"))


class RiskScoreFilterSet(django_filters.FilterSet):
    run = django_filters.NumberFilter(label=_("risk run (id)"), field_name="run_id", min_value=1, max_value=MAX_ID)
    region = RegionFilter(label=_("region"))
    school = SchoolFilter()
    outlier = django_filters.BooleanFilter(label=_("outlier among peers"), field_name="outlier")

    class Meta:
        model = RiskScore
        fields = ["run", "region", "school", "outlier"]


class RiskRunFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=RiskRunStatus.choices)
    trigger = django_filters.ChoiceFilter(label=_("trigger"), choices=RiskRunTrigger.choices)

    class Meta:
        model = RiskRun
        fields = ["status", "trigger"]
