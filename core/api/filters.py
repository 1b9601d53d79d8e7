"""The API's filtering and ordering backends.

* ``PortalFilterBackend``: django-filter's, which builds no filter set for a call that names none of
  its filters (the list as it is);
* ``PortalOrderingFilter``: ``?ordering=a,-b`` over the fields a view names, or a 400. DRF's own
  ``OrderingFilter`` drops the terms it does not know and documents ``ordering`` even on a view
  that orders by nothing; this one refuses an unknown term (naming it), documents the parameter
  only where there is something to order by (with the terms allowed), and breaks ties by id so
  that pages never overlap.
"""

from __future__ import annotations

import inspect
import re
from functools import cache

import django_filters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import SuffixedMultiWidget
from rest_framework import filters
from rest_framework.exceptions import ValidationError


def filter_names(filterset_class) -> set[str]:
    """The query parameters of a FilterSet (a range filter is ``name_min``/``name_max`` …)."""
    names = set()
    for name, filter_ in filterset_class.base_filters.items():
        widget = filter_.field_class.widget  # the field's default widget (a class): a range filter's is suffixed
        if inspect.isclass(widget) and issubclass(widget, SuffixedMultiWidget):
            names |= {f"{name}_{suffix}" if suffix else name for suffix in widget.suffixes}
        else:
            names.add(name)
    return names


@cache
def _unfiltered_unless_named(filterset_class) -> frozenset[str] | None:
    """The parameters of ``filterset_class`` when a call naming none of them gets the list as it is (no
    filter is required and the set filters as django-filter does: each filter leaves the list alone without
    its value); None otherwise."""
    if (filterset_class.filter_queryset is not django_filters.FilterSet.filter_queryset
            or filterset_class.__init__ is not django_filters.FilterSet.__init__
            or any(filter_.extra.get("required") for filter_ in filterset_class.base_filters.values())):
        return None
    return frozenset(filter_names(filterset_class))


class PortalFilterBackend(DjangoFilterBackend):
    """django-filter's backend; a call that names none of the filters gets the list as it is, without the
    filter set, its form and their validation being built (about a tenth of a 50-row page's time)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            names = _unfiltered_unless_named(filterset_class)
            if names is not None and names.isdisjoint(request.query_params):
                return queryset
        return super().filter_queryset(request, queryset, view)


def ordering_fields(view) -> list[str]:
    """The fields ``view`` may be ordered by (DRF's rule: ``ordering_fields``, else the serializer's)."""
    declared = getattr(view, "ordering_fields", None)
    if isinstance(declared, (list, tuple)):
        return [item if isinstance(item, str) else item[0] for item in declared]
    backend = PortalOrderingFilter()
    request = getattr(view, "request", None)
    return [name for name, _label in backend.get_valid_fields(view.get_queryset(), view, {"request": request})]


class PortalOrderingFilter(filters.OrderingFilter):
    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = set(ordering_fields(view))
        unknown = [term for term in fields if term.removeprefix("-") not in valid]
        if unknown:
            raise ValidationError({self.ordering_param: [
                _("Cannot order by %(terms)s; order by %(valid)s (a leading “-” reverses).")
                % {"terms": ", ".join(unknown), "valid": ", ".join(sorted(valid)) or "—"}]})
        return fields

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if ordering and request.query_params.get(self.ordering_param):
            return queryset.order_by(*ordering, "pk")
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        fields = ordering_fields(view)
        if not fields:
            return []
        term = "-?(" + "|".join(re.escape(name) for name in sorted(fields)) + ")"
        return [{
            "name": self.ordering_param,
            "required": False,
            "in": "query",
            "description": _("Order by these fields, comma-separated; a leading “-” reverses: %(fields)s.")
            % {"fields": ", ".join(sorted(fields))},
            "schema": {"type": "string", "pattern": f"^{term}(,{term})*$"},
        }]
