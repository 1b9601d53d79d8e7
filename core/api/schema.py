"""The OpenAPI schema documents the errors every endpoint can answer, in the one error format.

Any endpoint may answer 400 (an unknown query parameter, a bad filter or body), 401 (a missing or
wrong token), 403 (a role that may not) and 503 (the database was lost for a moment, with
``Retry-After``: ``core.web.database_outage_response``); one that names an object, 404. Every write
(POST, PUT, PATCH) takes the optional ``Idempotency-Key`` header (``core.idempotency``) and may
therefore also answer 409 (the same key still in progress, or a conflict with the current state)
and 422 (the same key with another request). An operation that documents its own answer for one of
these keeps it.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from core.api.serializers import ErrorSerializer

ERROR_CODES = ("400", "401", "403", "503")
WRITE_ERROR_CODES = ("409", "422")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key", type=OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    description=("Send a write again with the same key and it is done at most once: a replay answers the first "
                 "answer again (header `Idempotent-Replayed: true`); the same key with another request is a 422; "
                 "a duplicate while the first is in progress is a 409. 1–200 characters of A–Z a–z 0–9 . _ ~ : -; "
                 "keys belong to the caller."),
)


class PortalAutoSchema(AutoSchema):
    def _is_write(self) -> bool:
        return self.method.upper() in WRITE_METHODS

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._is_write():
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = (*ERROR_CODES, "404") if "{" in self.path else ERROR_CODES
        if self._is_write():
            codes = (*codes, *WRITE_ERROR_CODES)
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return responses
