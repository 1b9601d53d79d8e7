"""The API's ordering: ``?ordering=a,-b`` over the fields a view names, or a 400.

DRF's own ``OrderingFilter`` drops the terms it does not know and documents ``ordering`` even on a
view that orders by nothing; this one refuses an unknown term (naming it), documents the parameter
only where there is something to order by (with the terms allowed), and breaks ties by id so that
pages never overlap.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework import filters
from rest_framework.exceptions import ValidationError


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
