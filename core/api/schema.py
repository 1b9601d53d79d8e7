"""The OpenAPI schema documents the errors every endpoint can answer, in the one error format.

Any endpoint may answer 400 (an unknown query parameter, a bad filter or body), 401 (a missing or
wrong token) and 403 (a role that may not); one that names an object, 404. An operation that
documents its own answer for one of these keeps it.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from core.api.serializers import ErrorSerializer

ERROR_CODES = ("400", "401", "403")


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = (*ERROR_CODES, "404") if "{" in self.path else ERROR_CODES
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return responses
