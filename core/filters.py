"""Filters that take the identifiers people read as well as row ids (shared by the API and the pages).

A ``LookupFilter`` reads one text value — a contract number, a registry number, a BIN, a name, or an
id — and turns it into a lookup with its ``parse`` function. A value that cannot be one of them is a
clear error (a 400 in the API), never a silent "no filter".
"""

from __future__ import annotations

import re
from collections.abc import Callable

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1  # PostgreSQL's bigint
DIGITS = re.compile(r"[0-9]{1,19}")


def as_id(value: str) -> int | None:
    """``value`` as a row id, or None when it is not one (digits within bigint)."""
    if DIGITS.fullmatch(value) and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


class LookupField(forms.CharField):
    """A text box whose cleaned value is the ``Q`` lookup that ``parse`` makes of the text."""

    def __init__(self, *, parse: Callable[[str], Q], **kwargs):
        self.parse = parse
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.parse(value) if value else None


class LookupFilter(django_filters.CharFilter):
    """One value people read (a number, a reference, a BIN, a name …) or a row id."""

    field_class = LookupField

    def __init__(self, *, parse: Callable[[str], Q], **kwargs):
        super().__init__(**kwargs)
        self.extra["parse"] = parse

    def filter(self, qs, value):
        return qs if value is None else qs.filter(value)


def lookup_error(message) -> ValidationError:
    return ValidationError(message, code="invalid")


# --- regions --------------------------------------------------------------------------------

def region_q(prefix: str) -> Callable[[str], Q]:
    """A region by its two-digit KATO code (``71``) or its nine-digit KATO (``710000000``)."""

    def parse(value: str) -> Q:
        if re.fullmatch(r"[0-9]{2}", value):
            return Q(**{f"{prefix}_id": value})
        if re.fullmatch(r"[0-9]{9}", value):
            return Q(**{f"{prefix}__kato": value})
        raise lookup_error(_("Give the region's KATO code: 2 digits (71) or 9 digits (710000000)."))

    return parse


def _region_choices():
    from core.models import Region

    return [("", _("all regions")), *((region.code, f"{region.code} {region.name}") for region in Region.objects.all())]


class RegionFilter(LookupFilter):
    """A region by its KATO code, 2 or 9 digits (a list of regions on the pages)."""

    def __init__(self, *, field_name: str = "region", **kwargs):
        kwargs.setdefault("label", _("region (KATO code)"))
        kwargs.setdefault("widget", forms.Select(choices=CallableChoiceIterator(_region_choices)))
        super().__init__(parse=region_q(field_name), field_name=field_name, **kwargs)
