"""One error format for the whole API.

Every error answers ``{"error": {"code": ..., "message": ..., "fields": {...}}}``; ``fields`` maps a
field (a dotted path inside nested data: ``payments.0``, ``rejections.1.line``) to its messages:
validation errors (400), domain rule violations (400), conflicts with the current
state (409), authentication (401) and permission (403) errors, not found (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return force_str(detail)


def _field_messages(detail, path: str = "") -> dict[str, list[str]]:
    """Nested errors as ``{"field": [messages]}`` with dotted paths: ``payments.0``, ``rejections.1.line``."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        items = enumerate(detail)
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {path: [force_str(message) for message in messages]} if messages else {}
    result: dict[str, list[str]] = {}
    for key, value in items:
        result.update(_field_messages(value, f"{path}.{key}" if path else str(key)))
    return result


def error_body(code: str, message: str, fields: dict | None = None, details: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    if details:
        body["details"] = details
    return {"error": body}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        fields = {field: texts for field, texts in exc.field_errors().items() if field} or None
        details = {key: value for key, value in exc.details.items() if key != "fields"} or None
        return Response(error_body(exc.code, str(exc.message), fields, details), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = _flatten(exc.detail)
        if isinstance(detail, dict):
            non_field = detail.pop("non_field_errors", None)
            message = " ".join(non_field) if non_field else _("The request has errors; see the fields.")
            fields = _field_messages(detail) or None
        else:
            message = " ".join(text for texts in _field_messages(detail).values() for text in texts)
            fields = None
        response.data = error_body("invalid", message, fields)
    else:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else code
        response.data = error_body(code, force_str(getattr(exc, "detail", exc)))
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.data["error"]["code"] = "not_authenticated"
    return response
