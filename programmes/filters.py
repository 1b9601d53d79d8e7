"""Filters by programme and instrument, shared by every list (page and API), and the catalogue's own.

A list whose model reaches ``StateOrder.programme`` through a path declares
``programme = ProgrammeFilter(field_name="<path>_id")`` and
``instrument = InstrumentFilter(field_name="<path>__instrument")``; lists whose rows carry no programme (findings,
beneficiaries, providers) filter through what the programme decides (its codes, its kinds).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.filters import MAX_ID, RegionFilter
from programmes.choices import InstrumentCode, ProgrammeStatus
from programmes.models import Programme


def programme_choices(user) -> list[tuple[str, str]]:
    """The programmes ``user`` may see, by code and name, for the pages' programme select (a small table)."""
    programmes = Programme.objects.visible_to(user).order_by("instrument", "code")
    return [("", _("any programme")), *((str(p.pk), f"{p.code} — {p.name}") for p in programmes)]


class ProgrammeFilter(django_filters.NumberFilter):
    """A programme's id (a whole number within bigint; anything else is a 400); on a page whose filter set knows
    the request, a select of the programmes the user may see, by code and name."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("label", _("programme"))
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        user = getattr(getattr(self.parent, "request", None), "user", None)
        if user is not None and not isinstance(field.widget, forms.Select):
            # read when the select is rendered (a page), never for the API, which only validates the number
            field.widget = forms.Select(choices=CallableChoiceIterator(lambda: programme_choices(user)))
        return field


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
