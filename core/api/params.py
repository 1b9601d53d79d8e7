"""The query parameters an endpoint knows; any other is a 400 that names it.

An API that silently ignores ``?shcool=…`` answers a question the client did not ask. So every
API view (``StrictQueryParamsMixin``, in all the bases of ``core.api.viewsets``) refuses a query
parameter it does not know. It knows, exactly as the OpenAPI schema documents them:

* ``format`` (DRF's format override), on every endpoint;
* on a list: the filters of its FilterSet, ``ordering`` when it has fields to order by, and the
  paginator's parameters (``page``, ``page_size``);
* whatever the endpoint declares with ``extend_schema(parameters=[OpenApiParameter(…)])`` — the
  one declaration that documents a parameter also makes it known.

``tests/test_api_params.py`` walks every route of the schema and checks both ways: each documented
parameter is accepted, and an undocumented one is refused.
"""

from __future__ import annotations

import inspect

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework.filters import OrderingFilter
from rest_framework.mixins import ListModelMixin
from rest_framework.serializers import BaseSerializer
from rest_framework.settings import api_settings

from core.api.filters import filter_names, ordering_fields
from core.errors import DomainError


class UnknownQueryParameters(DomainError):
    """A 400 naming every query parameter the endpoint does not know (``details.known``: those it does)."""

    def __init__(self, unknown: list[str], known: list[str]):
        message = ngettext("Unknown query parameter: %(names)s.", "Unknown query parameters: %(names)s.",
                           len(unknown)) % {"names": ", ".join(unknown)}
        super().__init__(message, code="unknown_parameter", details={"unknown": unknown, "known": known})
        self.unknown = unknown

    def field_errors(self) -> dict[str | None, list[str]]:
        return {name: [_("This endpoint has no such query parameter.")] for name in self.unknown}


def is_list(view) -> bool:
    """Whether the view answers with a list (filters, ordering and pagination apply).

    In a viewset: ``list`` and every other GET on the collection (``@action(detail=False)``), as
    drf-spectacular documents them; such an action drops what it does not apply with
    ``filter_backends=[]`` or ``pagination_class=None``.
    """
    if hasattr(view, "action"):  # a viewset
        return view.action == "list" or (getattr(view, "detail", None) is False and view.request.method == "GET")
    return isinstance(view, ListModelMixin) and view.request.method == "GET"


def list_params(view) -> set[str]:
    names = set()
    for backend in getattr(view, "filter_backends", []):
        if issubclass(backend, DjangoFilterBackend):
            # ``filterset_fields`` (no FilterSet class) are read from the view's queryset
            queryset = view.get_queryset() if getattr(view, "filterset_fields", None) else None
            filterset_class = backend().get_filterset_class(view, queryset)
            if filterset_class is not None:
                names |= filter_names(filterset_class)
        elif issubclass(backend, OrderingFilter):
            if ordering_fields(view):
                names.add(backend.ordering_param)
        else:  # another backend documents its own parameters
            names |= {p["name"] for p in backend().get_schema_operation_parameters(view)}
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        names |= {p["name"] for p in paginator.get_schema_operation_parameters(view)}
    return names


_declared: dict[tuple, frozenset[str]] = {}


def declared_params(view, method: str) -> frozenset[str]:
    """The query parameters declared with ``extend_schema(parameters=…)`` for this view's action.

    drf-spectacular keeps them on the schema class it attaches to the action (``kwargs["schema"]``)
    or to the view; ``get_override_parameters`` is its documented hook for them.
    """
    key = (type(view), getattr(view, "action", None), method.upper())
    if key not in _declared:
        _declared[key] = frozenset(_declared_params(view, method))
    return _declared[key]


def _declared_params(view, method: str) -> set[str]:
    handler = getattr(view, getattr(view, "action", None) or method.lower(), None)
    schema = getattr(handler, "kwargs", {}).get("schema") or view.schema
    schema = schema() if inspect.isclass(schema) else schema
    if not hasattr(schema, "get_override_parameters"):
        return set()
    schema.view, schema.method = view, method.upper()
    names = set()
    for parameter in schema.get_override_parameters():
        if isinstance(parameter, OpenApiParameter):
            if parameter.location == OpenApiParameter.QUERY and not parameter.response and not parameter.exclude:
                names.add(parameter.name)
        elif isinstance(parameter, BaseSerializer) or (inspect.isclass(parameter) and issubclass(parameter, BaseSerializer)):
            serializer = parameter() if inspect.isclass(parameter) else parameter
            names |= set(serializer.fields)
    return names


def known_query_params(view, method: str) -> set[str]:
    known = {api_settings.URL_FORMAT_OVERRIDE} - {None}
    if is_list(view):
        known |= list_params(view)
    return known | declared_params(view, method)


class StrictQueryParamsMixin:
    """Refuse, with a 400 naming them, the query parameters the endpoint does not know."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.query_params:
            return
        known = known_query_params(self, request.method)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise UnknownQueryParameters(unknown, sorted(known))
