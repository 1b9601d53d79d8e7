"""API of kept signatures: list and read them (scoped), download them as files, check one before posting it."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import ErrorSerializer
from core.api.viewsets import ID_REGEX, ReadOnlyModelViewSet
from signatures import exports, selectors
from signatures.api import serializers as s
from signatures.api.mixins import ERRORS
from signatures.services import signature_inspect, signing_payload_issue
from signatures.signables import CHECK_ACTION

FILE_ERRORS = {401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def _file(content: bytes, content_type: str, name: str, sha256: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if sha256:
        response["X-Content-SHA256"] = sha256
    return response


@extend_schema_view(
    list=extend_schema(summary="Kept signatures you may see"),
    retrieve=extend_schema(summary="One kept signature with its verification report",
                           responses={200: s.SignatureDetailSerializer, **FILE_ERRORS}),
)
class SignatureViewSet(ReadOnlyModelViewSet):
    """Qualified electronic signatures kept by the portal (append-only), scoped like the documents they sign."""

    serializer_class = s.SignatureSerializer
    filterset_fields = ["action", "signer_role", "object_id", "cert_iin", "cert_bin"]
    ordering_fields = ["signing_time", "id"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.signature_list(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        signature = selectors.signature_get(user=request.user, pk=self.get_object().pk)
        return Response(s.SignatureDetailSerializer(signature, context=self.get_serializer_context()).data)

    def _signature(self):
        return selectors.signature_get(user=self.request.user, pk=self.get_object().pk)

    @extend_schema(summary="The CMS signature exactly as signed (DER)",
                   responses={(200, "application/pkcs7-mime"): OpenApiTypes.BINARY, **FILE_ERRORS})
    @action(detail=True, methods=["get"], filter_backends=[], url_name="cms")
    def cms(self, request, pk=None):
        signature = self._signature()
        return _file(bytes(signature.cms), "application/pkcs7-mime", exports.file_names(signature)["cms"], signature.cms_sha256)

    @extend_schema(summary="The payload the CMS holds (canonical JSON bytes)",
                   responses={(200, "application/json"): OpenApiTypes.BINARY, **FILE_ERRORS})
    @action(detail=True, methods=["get"], filter_backends=[], url_name="payload")
    def payload(self, request, pk=None):
        signature = self._signature()
        return _file(bytes(signature.payload), "application/json", exports.file_names(signature)["payload"],
                     signature.payload_sha256)

    @extend_schema(summary="Everything to verify the signature with OpenSSL (zip: CMS, payload, chain, revocation, VERIFY.txt)",
                   responses={(200, "application/zip"): OpenApiTypes.BINARY, **FILE_ERRORS})
    @action(detail=True, methods=["get"], filter_backends=[], url_name="bundle")
    def bundle(self, request, pk=None):
        signature = self._signature()
        return _file(exports.signature_bundle(signature), "application/zip", exports.file_names(signature)["bundle"])

    @extend_schema(summary="What the portal would answer to this signature now: its certificate's owner and the verdict "
                           "(nothing is stored, the payload stays unused)",
                   request=s.CmsSerializer, responses={200: s.InspectionSerializer, **ERRORS})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def inspect(self, request):
        body = s.CmsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        inspection = signature_inspect(actor=request.user, cms=body.validated_data["cms"])
        return Response(s.InspectionSerializer(inspection).data)

    @extend_schema(summary="A payload about yourself to sign on the signature check page (never stored)",
                   responses={200: s.SigningPayloadSerializer, **ERRORS})
    @action(detail=False, methods=["get"], url_path="check-payload", filter_backends=[], pagination_class=None)
    def check_payload(self, request):
        issued = signing_payload_issue(obj=request.user, action=CHECK_ACTION, actor=request.user)
        return Response(s.SigningPayloadSerializer(issued).data)
