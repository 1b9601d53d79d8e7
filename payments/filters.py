"""FilterSets of payments, recoveries and final reports, shared by the API and the pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from acts.filters import ActFilter, MonthFilter, YesNoWidget
from contingent.filters import IinFilter
from core.filters import LookupFilter, RegionFilter, as_id, lookup_error
from core.scoping import restrict
from orders.filters import ContractFilter
from payments.choices import PaymentStatus, RecoveryStatus, ReportStatus
from payments.models import FinalReport, Payment, Recovery
from programmes.filters import InstrumentFilter, ProgrammeFilter
from schools.filters import SchoolFilter


def numbered_q(field: str, prefix: str, message) -> Callable[[str], Q]:
    """A row named by its id, or by the number made of a prefix and the id (``R000123`` for registry 123,
    ``EQP000000123`` for payment 123: ``PaymentRegistry.number``, ``Payment.reference``)."""

    def parse(value: str) -> Q:
        match = re.fullmatch(rf"(?:{prefix})?([0-9]+)", value, flags=re.IGNORECASE)
        pk = as_id(match.group(1)) if match else None
        if pk is None:
            raise lookup_error(message)
        return Q(**{field: pk})

    return parse


class PaymentFilterSet(django_filters.FilterSet):
    reference = LookupFilter(parse=numbered_q("pk", "EQP", _("Give the payment reference (EQP000000123) or id.")),
                             label=_("payment reference"), help_text=_("the payment reference (EQP000000123) or id"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=PaymentStatus.choices)
    month = MonthFilter(field_name="act__month", label=_("month (YYYY-MM)"))
    act = ActFilter()
    contract = ContractFilter(field_name="act__contract")
    school = SchoolFilter(field_name="act__school")
    region = RegionFilter(field_name="act__contract__order__region")
    registry = LookupFilter(parse=numbered_q("registry_id", "R", _("Give the registry number (R000123) or id.")),
                            label=_("registry (number or id)"), help_text=_("the registry number (R000123) or id"))
    programme = ProgrammeFilter(field_name="act__contract__order__programme_id")
    instrument = InstrumentFilter(field_name="act__contract__order__programme__instrument")
    in_registry = django_filters.BooleanFilter(field_name="registry", lookup_expr="isnull", exclude=True,
                                               label=_("in a registry"), widget=YesNoWidget)
    to_approve = django_filters.BooleanFilter(label=_("awaiting my approval"), method="filter_to_approve",
                                              widget=YesNoWidget)

    class Meta:
        model = Payment
        fields = ["reference", "status", "month", "act", "contract", "school", "region", "registry", "programme", "instrument",
                  "in_registry", "to_approve"]

    def filter_to_approve(self, queryset, name, value):
        """The payments the signed-in user may approve now: the one permission decision's rows for
        "approve" (an operator, never their own: four eyes), in a status the transition leaves."""
        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        if user is None:  # no one signed in asks: nothing awaits "my" approval
            approvable = queryset.none()
        else:
            approvable = restrict(queryset, user, "approve").filter(status__in=Payment.TRANSITIONS["approve"].sources)
        return approvable if value else queryset.exclude(pk__in=approvable.values("pk"))


class RecoveryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=RecoveryStatus.choices)
    contract = ContractFilter()
    school = SchoolFilter(field_name="contract__school")
    iin = IinFilter(field_name="line__iin")
    programme = ProgrammeFilter(field_name="contract__order__programme_id")
    instrument = InstrumentFilter(field_name="contract__order__programme__instrument")

    class Meta:
        model = Recovery
        fields = ["status", "contract", "school", "iin", "programme", "instrument"]


class FinalReportFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=ReportStatus.choices)
    school_year = django_filters.NumberFilter(label=_("school year"), min_value=2000, max_value=2100)
    contract = ContractFilter()
    school = SchoolFilter(field_name="contract__school")
    programme = ProgrammeFilter(field_name="contract__order__programme_id")
    instrument = InstrumentFilter(field_name="contract__order__programme__instrument")

    class Meta:
        model = FinalReport
        fields = ["status", "school_year", "contract", "school", "programme", "instrument"]
