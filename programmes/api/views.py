"""API of the programme catalogue: anyone reads the active and closed programmes; a department manages
its region's, an operator the national ones (``Programme.scope``: asked by ``PortalPermission`` and
again by the services)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import ErrorSerializer, OptionalReasonSerializer
from core.api.viewsets import ID_REGEX, ReadOnlyModelViewSet
from programmes import selectors, services
from programmes.api import serializers as s
from programmes.filters import ProgrammeFilterSet

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="Funding programmes you may see (anyone: active and closed ones)"),
    retrieve=extend_schema(summary="One programme", responses={200: s.ProgrammeSerializer, 404: ErrorSerializer}),
)
class ProgrammeViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyModelViewSet):
    """Funding programmes: instrument, unit, period, proration, norms by category, terms, finding codes."""

    public = True  # open data: anyone reads active and closed programmes (the scope decides)
    # create → add, update → change, activate, close: who may is Programme.scope
    serializer_class = s.ProgrammeSerializer
    filterset_class = ProgrammeFilterSet
    ordering_fields = ["code", "created_at"]
    lookup_value_regex = ID_REGEX
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        return selectors.programme_list(user=self.request.user)

    def _respond(self, programme, code=status.HTTP_200_OK):
        programme = self.get_queryset().get(pk=programme.pk)
        return Response(s.ProgrammeSerializer(programme, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.ProgrammeWriteSerializer, responses={201: s.ProgrammeSerializer, **ERRORS},
                   summary="Draft a programme (a department: of its region; an operator: national)")
    def create(self, request, *args, **kwargs):
        payload = s.ProgrammeWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(services.programme_create(data=payload.to_input(), actor=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=s.ProgrammeWriteSerializer, responses={200: s.ProgrammeSerializer, **ERRORS},
                   summary="Replace a draft programme's data (its instrument stays)")
    def update(self, request, *args, **kwargs):
        programme = self.get_object()
        payload = s.ProgrammeWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(services.programme_update(programme=programme, data=payload.to_input(), actor=request.user))

    @extend_schema(request=None, responses={200: s.ProgrammeSerializer, **ERRORS}, summary="Activate a draft programme")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._respond(services.programme_activate(programme=self.get_object(), actor=request.user))

    @extend_schema(request=OptionalReasonSerializer, responses={200: s.ProgrammeSerializer, **ERRORS},
                   summary="Close an active programme (no new calls)")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        payload = OptionalReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(services.programme_close(programme=self.get_object(), actor=request.user,
                                                      reason=payload.validated_data["reason"]))
