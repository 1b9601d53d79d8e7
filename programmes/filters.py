"""Filters by programme and instrument, shared by every list (page and API), and the catalogue's own.

A list whose model reaches ``StateOrder.programme`` through a path declares
``programme = ProgrammeFilter(field_name="<path>_id")`` and
``instrument = InstrumentFilter(field_name="<path>__instrument")``; lists whose rows carry no programme (findings,
beneficiaries, providers) filter through what the programme decides (its codes, its kinds).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import MAX_ID, RegionFilter
from programmes.choices import InstrumentCode, ProgrammeStatus
from programmes.models import Programme


class ProgrammeFilter(django_filters.NumberFilter):
    """A programme's id (a whole number within bigint; anything else is a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("label", _("programme"))
        super().__init__(*args, **kwargs)


class InstrumentFilter(django_filters.ChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", InstrumentCode.choices)
        kwargs.setdefault("label", _("instrument"))
        super().__init__(*args, **kwargs)


class ProgrammeFilterSet(django_filters.FilterSet):
    instrument = InstrumentFilter()
    status = django_filters.ChoiceFilter(choices=ProgrammeStatus.choices, label=_("status"))
    region = RegionFilter(label=_("Region"))
    national = django_filters.BooleanFilter(field_name="region", lookup_expr="isnull", label=_("national"))

    class Meta:
        model = Programme
        fields = ["instrument", "status", "region", "national"]
