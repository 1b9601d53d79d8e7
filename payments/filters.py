"""FilterSets of payments, recoveries and final reports, shared by the API and the pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from acts.filters import ActFilter, MonthFilter
from contingent.filters import IinFilter
from core.filters import LookupFilter, RegionFilter, as_id, lookup_error
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

    class Meta:
        model = Payment
        fields = ["reference", "status", "month", "act", "contract", "school", "region", "registry", "programme", "instrument"]


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
