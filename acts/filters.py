"""FilterSets of acts and act lines, shared by the API and the pages."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from acts.choices import ActStatus, LineDecision
from acts.deadlines import parse_month
from acts.models import Act, ActLine
from contingent.choices import PupilCategory
from programmes.filters import InstrumentFilter, ProgrammeFilter


class MonthFilter(django_filters.CharFilter):
    """``YYYY-MM``: the acts of that month (an unreadable value matches nothing)."""

    def filter(self, qs, value):
        if not value:
            return qs
        try:
            month = parse_month(value)
        except ValueError:
            return qs.none()
        return qs.filter(**{self.field_name: month})


class ActFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=ActStatus.choices)
    month = MonthFilter(field_name="month", label=_("month (YYYY-MM)"))
    region = django_filters.CharFilter(field_name="contract__order__region_id", label=_("region (KATO code)"),
                                       max_length=2)
    school = django_filters.CharFilter(field_name="school__bin", label=_("school BIN"), max_length=12)
    contract = django_filters.NumberFilter(field_name="contract_id", label=_("contract"), min_value=1,
                                           max_value=2**62)
    programme = ProgrammeFilter(field_name="contract__order__programme_id")
    instrument = InstrumentFilter(field_name="contract__order__programme__instrument")

    class Meta:
        model = Act
        fields = ["status", "month", "region", "school", "contract", "programme", "instrument"]


class YesNoWidget(BooleanWidget):
    """true / false / either (an empty choice instead of "Unknown")."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", "—"), ("true", _("yes")), ("false", _("no")))


class LineFilterSet(django_filters.FilterSet):
    """Filters of the lines on an act's page."""

    decision = django_filters.ChoiceFilter(label=_("decision"), choices=LineDecision.choices)
    level = django_filters.CharFilter(label=_("level / norm category"), max_length=20)
    category = django_filters.ChoiceFilter(label=_("category"), choices=PupilCategory.choices)
    blocked = django_filters.BooleanFilter(label=_("not payable (open error)"), method="filter_blocked", widget=YesNoWidget)
    q = django_filters.CharFilter(label=_("IIN or name"), method="filter_q", max_length=100)

    class Meta:
        model = ActLine
        fields = ["decision", "level", "category", "blocked", "q"]

    def filter_blocked(self, queryset, name, value):
        return queryset if value is None else queryset.filter(blocked=value)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(iin__startswith=value) | Q(pupil_name__icontains=value)) if value else queryset


class ActLineFilterSet(LineFilterSet):
    """The API's filters of act lines: the page's, plus the act and the version."""

    act = django_filters.NumberFilter(field_name="act_id", label=_("act"), min_value=1, max_value=2**62)
    version = django_filters.NumberFilter(label=_("version"), min_value=1, max_value=10_000)
    programme = ProgrammeFilter(field_name="act__contract__order__programme_id")
    instrument = InstrumentFilter(field_name="act__contract__order__programme__instrument")

    class Meta(LineFilterSet.Meta):
        fields = ["act", "version", *LineFilterSet.Meta.fields, "programme", "instrument"]
