"""Filters of findings and check runs, shared by the API and the pages."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from checks.choices import CheckRunStatus, CheckRunTrigger, FindingCode, FindingStatus, Severity
from checks.models import CheckRun, Finding
from contingent.filters import IinFilter
from core.filters import RegionFilter
from programmes.filters import InstrumentFilter, ProgrammeFilter
from programmes.instruments import instrument
from programmes.models import Programme
from schools.filters import SchoolFilter

BIN_REGEX = r"^[0-9]{12}$"


class FindingFilterSet(django_filters.FilterSet):
    code = django_filters.MultipleChoiceFilter(label=_("code"), choices=FindingCode.choices)
    severity = django_filters.ChoiceFilter(label=_("severity"), choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=FindingStatus.choices)
    school = SchoolFilter()
    school_bin = django_filters.CharFilter(label=_("school BIN"), field_name="school__bin", max_length=12)
    region = RegionFilter(field_name="school__region", label=_("region"))
    iin = IinFilter(field_name="enrolment__pupil__iin")
    date_from = django_filters.DateFilter(
        label=_("checked from"), field_name="last_run__check_date", lookup_expr="gte",
        help_text=_("date D of the run that last found it, from"),
    )
    date_to = django_filters.DateFilter(
        label=_("checked to"), field_name="last_run__check_date", lookup_expr="lte",
        help_text=_("date D of the run that last found it, up to"),
    )
    run = django_filters.NumberFilter(label=_("check run (id)"), field_name="last_run_id", min_value=1, max_value=2**63 - 1)
    programme = ProgrammeFilter(method="filter_programme")
    instrument = InstrumentFilter(method="filter_instrument")

    class Meta:
        model = Finding
        fields = ["code", "severity", "status", "school", "school_bin", "region", "iin", "date_from", "date_to", "run",
                  "programme", "instrument"]

    def filter_instrument(self, queryset, name, value):
        """Findings of the codes the instrument runs (``programmes.instruments``)."""
        return queryset.filter(code__in=instrument(value).finding_codes) if value else queryset

    def filter_programme(self, queryset, name, value):
        """Findings of the programme's codes about providers that hold a contract under it."""
        if value is None:
            return queryset
        programme = Programme.objects.filter(pk=value).first()
        if programme is None:
            return queryset.none()
        return queryset.filter(code__in=programme.finding_codes,
                               school__contracts__order__programme=programme).distinct()


class CheckRunFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=CheckRunStatus.choices)
    trigger = django_filters.ChoiceFilter(label=_("trigger"), choices=CheckRunTrigger.choices)
    date_from = django_filters.DateFilter(label=_("check date from"), field_name="check_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("check date to"), field_name="check_date", lookup_expr="lte")

    class Meta:
        model = CheckRun
        fields = ["status", "trigger", "date_from", "date_to"]
