"""What a viewset adds to sign one of its actions (phase 2 wiring).

1. Mix ``SigningPayloadMixin`` into the viewset: ``GET <resource>/<id>/signing-payload/?action=<action>``
   answers ``{"payload": base64, "sha256": hex, "action", "expires_at"}`` for the object that
   ``get_object()`` returns (so the viewset's scoping applies).
2. Give the action's body serializer a ``cms = OptionalCmsField()`` and pass it to the service,
   which calls ``signatures.services.signature_required(obj=…, action=…, actor=…, cms=…)`` after
   locking the object and checking its transition.
3. Register the action's facts once (``signatures.registry.register_signable``).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import ErrorSerializer
from signatures.api.serializers import SigningPayloadSerializer
from signatures.services import signing_payload_issue

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class SigningPayloadMixin:
    @extend_schema(
        summary="The exact bytes to sign for an action (base64 and SHA-256); each call issues a fresh one-use payload",
        parameters=[OpenApiParameter("action", str, required=True,
                                     description="name of the action's endpoint: sign, submit, accept, partly-accept, approve …")],
        responses={200: SigningPayloadSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="signing-payload", filter_backends=[], pagination_class=None)
    def signing_payload(self, request, pk=None):
        issued = signing_payload_issue(obj=self.get_object(), action=request.query_params.get("action", ""),
                                       actor=request.user)
        return Response(SigningPayloadSerializer(issued).data)
