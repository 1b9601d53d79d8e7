"""FilterSets of acts and act lines, shared by the API and the pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from acts.choices import ActStatus, LineDecision
from acts.deadlines import parse_month
from acts.models import Act, ActLine
from contingent.choices import PupilCategory
from contingent.filters import IinFilter
from core.filters import LookupFilter, RegionFilter, as_id, lookup_error
from orders.filters import ContractFilter
from programmes.filters import InstrumentFilter, ProgrammeFilter
from schools.filters import SchoolFilter


def act_number_q(prefix: str, value: str) -> Q:
    """The act numbered ``value``: ``<contract number>/<YYYY-MM>`` (``Act.number``), e.g. ``71-2025-0001/2025-10``."""
    contract_number, _slash, month = value.rpartition("/")
    if not (contract_number and re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", month)):
        raise lookup_error(_("Give the act's id or its number: contract number/YYYY-MM (71-2025-0001/2025-10)."))
    return Q(**{f"{prefix}contract__number__iexact": contract_number, f"{prefix}month": parse_month(month)})


def act_q(prefix: str) -> Callable[[str], Q]:
    """An act by its row id (digits only) or its number (``act_number_q``)."""
    path = f"{prefix}__" if prefix else ""

    def parse(value: str) -> Q:
        if (pk := as_id(value)) is not None:
            return Q(**{f"{path}pk": pk})
        return act_number_q(path, value)

    return parse


class ActFilter(LookupFilter):
    def __init__(self, *, field_name: str = "act", **kwargs):
        kwargs.setdefault("label", _("act (number or id)"))
        kwargs.setdefault("help_text", _("act: its number (71-2025-0001/2025-10) or its id"))
        super().__init__(parse=act_q(field_name), field_name=field_name, **kwargs)


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
    number = LookupFilter(parse=lambda value: act_number_q("", value), label=_("number"),
                          help_text=_("the act's number: contract number/YYYY-MM (71-2025-0001/2025-10)"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=ActStatus.choices)
    month = MonthFilter(field_name="month", label=_("month (YYYY-MM)"))
    region = RegionFilter(field_name="contract__order__region")
    school = SchoolFilter()
    contract = ContractFilter()
    programme = ProgrammeFilter(field_name="contract__order__programme_id")
    instrument = InstrumentFilter(field_name="contract__order__programme__instrument")

    class Meta:
        model = Act
        fields = ["number", "status", "month", "region", "school", "contract", "programme", "instrument"]


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

    act = ActFilter()
    version = django_filters.NumberFilter(label=_("version"), min_value=1, max_value=10_000)
    iin = IinFilter(field_name="iin")
    programme = ProgrammeFilter(field_name="act__contract__order__programme_id")
    instrument = InstrumentFilter(field_name="act__contract__order__programme__instrument")

    class Meta(LineFilterSet.Meta):
        fields = ["act", "version", "iin", *LineFilterSet.Meta.fields, "programme", "instrument"]
