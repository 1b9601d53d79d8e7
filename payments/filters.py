"""FilterSets of payments, recoveries and final reports, shared by the API and the pages."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from acts.filters import MonthFilter, YesNoWidget
from payments.choices import PaymentStatus, RecoveryStatus, ReportStatus
from payments.models import FinalReport, Payment, Recovery
from payments.permissions import payments_user_may_approve


class PaymentFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=PaymentStatus.choices)
    month = MonthFilter(field_name="act__month", label=_("month (YYYY-MM)"))
    school = django_filters.CharFilter(field_name="act__school__bin", label=_("school BIN"), max_length=12)
    registry = django_filters.NumberFilter(field_name="registry_id", label=_("registry"), min_value=1, max_value=2**62)
    in_registry = django_filters.BooleanFilter(field_name="registry", lookup_expr="isnull", exclude=True,
                                               label=_("in a registry"), widget=YesNoWidget)
    to_approve = django_filters.BooleanFilter(label=_("awaiting my approval"), method="filter_to_approve",
                                              widget=YesNoWidget)

    class Meta:
        model = Payment
        fields = ["status", "month", "school", "registry", "in_registry", "to_approve"]

    def filter_to_approve(self, queryset, name, value):
        """The payments the signed-in operator may approve now: prepared, and never their own (four eyes)."""
        if value is None:
            return queryset
        approvable = payments_user_may_approve(queryset, getattr(self.request, "user", None))
        return approvable if value else queryset.exclude(pk__in=approvable.values("pk"))


class RecoveryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=RecoveryStatus.choices)
    contract = django_filters.NumberFilter(field_name="contract_id", label=_("contract"), min_value=1, max_value=2**62)
    school = django_filters.CharFilter(field_name="contract__school__bin", label=_("school BIN"), max_length=12)

    class Meta:
        model = Recovery
        fields = ["status", "contract", "school"]


class FinalReportFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=ReportStatus.choices)
    school_year = django_filters.NumberFilter(label=_("school year"), min_value=2000, max_value=2100)

    class Meta:
        model = FinalReport
        fields = ["status", "school_year"]
