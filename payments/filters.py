"""FilterSets of payments, recoveries and final reports, shared by the API and the pages."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from acts.filters import MonthFilter
from payments.choices import PaymentStatus, RecoveryStatus, ReportStatus
from payments.models import FinalReport, Payment, Recovery
from programmes.filters import InstrumentFilter, ProgrammeFilter


class PaymentFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=PaymentStatus.choices)
    month = MonthFilter(field_name="act__month", label=_("month (YYYY-MM)"))
    school = django_filters.CharFilter(field_name="act__school__bin", label=_("school BIN"), max_length=12)
    registry = django_filters.NumberFilter(field_name="registry_id", label=_("registry"), min_value=1, max_value=2**62)
    programme = ProgrammeFilter(field_name="act__contract__order__programme_id")
    instrument = InstrumentFilter(field_name="act__contract__order__programme__instrument")

    class Meta:
        model = Payment
        fields = ["status", "month", "school", "registry", "programme", "instrument"]


class RecoveryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=RecoveryStatus.choices)
    contract = django_filters.NumberFilter(field_name="contract_id", label=_("contract"), min_value=1, max_value=2**62)
    school = django_filters.CharFilter(field_name="contract__school__bin", label=_("school BIN"), max_length=12)
    programme = ProgrammeFilter(field_name="contract__order__programme_id")
    instrument = InstrumentFilter(field_name="contract__order__programme__instrument")

    class Meta:
        model = Recovery
        fields = ["status", "contract", "school", "programme", "instrument"]


class FinalReportFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=ReportStatus.choices)
    school_year = django_filters.NumberFilter(label=_("school year"), min_value=2000, max_value=2100)
    programme = ProgrammeFilter(field_name="contract__order__programme_id")
    instrument = InstrumentFilter(field_name="contract__order__programme__instrument")

    class Meta:
        model = FinalReport
        fields = ["status", "school_year", "programme", "instrument"]
