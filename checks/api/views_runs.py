"""Starting a check run through the API (the action ``start`` of ``CheckRun.scope``: operators and
administrators, as on the page). The run list and detail are read elsewhere."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from checks.choices import CheckRunTrigger
from checks.models import CheckRun
from checks.pipeline import check_pipeline_start
from core.api.serializers import ErrorSerializer
from core.api.viewsets import GenericAPIView


class CheckRunStartSerializer(serializers.Serializer):
    fetch = serializers.BooleanField(default=False, help_text="fetch and load a fresh NOBD snapshot first")


class StartedRunSerializer(serializers.ModelSerializer):
    snapshot = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = CheckRun
        fields = ["id", "check_date", "snapshot", "trigger", "status", "progress", "started_at"]
        read_only_fields = fields


class CheckRunStartView(GenericAPIView):
    """Queue a check run now (fetch → import → checks → notify, or checks on the latest snapshot).

    409 while another run is in progress; ``error.details.run_id`` names it.
    """

    serializer_class = CheckRunStartSerializer
    permission_model, permission_action = CheckRun, "start"  # asked by PortalPermission

    @extend_schema(request=CheckRunStartSerializer,
                   responses={202: StartedRunSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer})
    def post(self, request):
        data = CheckRunStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = check_pipeline_start(actor=request.user, trigger=CheckRunTrigger.MANUAL, fetch=data.validated_data["fetch"])
        return Response(StartedRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
