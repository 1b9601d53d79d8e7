"""Printable documents through the API: ``GET /api/v1/<resource>/<id>/<document>/``.

A document action answers with the file itself (its content type, and a ``Content-Disposition``
naming it); its errors are JSON in the one error format, whatever the client's ``Accept`` says.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation

from core.api.serializers import ErrorSerializer

PDF = "application/pdf"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html"


class FirstRendererNegotiation(BaseContentNegotiation):
    """For file downloads: errors are always JSON; a success answers with the file itself."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def document_action(*, url_path: str, media_type: str, summary: str, parameters=()):
    """A detail action downloading a document of the object (scoped like the object itself)."""

    def decorator(func):
        func = action(detail=True, methods=["get"], url_path=url_path, content_negotiation_class=FirstRendererNegotiation,
                      filter_backends=[], pagination_class=None)(func)
        return extend_schema(
            summary=summary, parameters=list(parameters), filters=False,
            responses={(200, media_type): OpenApiTypes.BINARY, 400: ErrorSerializer, 401: ErrorSerializer,
                       403: ErrorSerializer, 404: ErrorSerializer},
        )(func)

    return decorator
