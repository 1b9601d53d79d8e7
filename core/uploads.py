"""The one size limit of uploaded files, for every upload point of the pages and the API.

``UPLOAD_MAX_BYTES`` (setting, from ``UPLOAD_MAX_MB``) bounds every file a user uploads:
contingent files, register files, bank confirmations, and whatever upload comes next.

* ``UploadLimitMiddleware`` refuses a request whose body is larger than the limit (plus room for
  the multipart envelope) before Django reads a byte of it: 413, in the API's error format under
  ``/api/`` and as a page elsewhere. A request without a declared length has no body in Django.
* ``validate_upload`` is the field check of every upload form and serializer: the file's own
  size and its extension (``.csv`` or ``.xlsx``), with translated messages.

What an XLSX file may inflate to, and how many rows and columns a file may have, is checked
where files are read: ``core.tabular``.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from rest_framework import serializers

# Room for the multipart boundaries, part headers and small form fields next to the file.
ENVELOPE_BYTES = 256 * 1024
TABLE_EXTENSIONS = (".csv", ".xlsx")


def max_upload_mb() -> int:
    return max(1, settings.UPLOAD_MAX_BYTES // (1024 * 1024))


def too_large_message() -> str:
    return _("The file is larger than %(mb)s MB, the largest upload the portal accepts.") % {"mb": max_upload_mb()}


def validate_upload(upload) -> None:
    """Refuse a file above ``UPLOAD_MAX_BYTES`` or that is not ``.csv`` or ``.xlsx`` (a ``ValidationError``)."""
    if Path(upload.name or "").suffix.lower() not in TABLE_EXTENSIONS:
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="extension")
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(too_large_message(), code="too_large")


class TableFileField(forms.FileField):
    """A form's CSV/XLSX file field: ``validate_upload`` applies."""

    default_validators = [validate_upload]


class TableFileSerializerField(serializers.FileField):
    """An API serializer's CSV/XLSX file field: ``validate_upload`` applies."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(validate_upload)
        super().__init__(**kwargs)


class UploadLimitMiddleware:
    """413 for a request body larger than ``UPLOAD_MAX_BYTES`` (+ the envelope), before it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_BYTES + ENVELOPE_BYTES:
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request):
        message = too_large_message()
        if request.path.startswith("/api/"):
            response = JsonResponse({"error": {"code": "too_large", "message": message}}, status=413)
        else:
            response = HttpResponse(render_to_string("413.html", {"message": message}, request=request), status=413)
        response["Connection"] = "close"  # the unread body is not waited for
        return response
