"""Risk API: read only (a run raises and closes flags; nobody changes one by hand), on the strict bases
(``core.api.viewsets``: an unknown query parameter is a 400) with the typed filters of ``risk.filters``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import PortalPermission
from core.api.serializers import ErrorSerializer
from core.api.viewsets import ID_REGEX, ReadOnlyModelViewSet
from risk import selectors
from risk.api.serializers import RiskFlagSerializer, RiskReplaySerializer, RiskRunSerializer, RiskScoreSerializer
from risk.filters import RiskFlagFilterSet, RiskRunFilterSet, RiskScoreFilterSet
from risk.models import RiskRun, RiskScore
from risk.permissions import MaySeeRisk, MaySeeRuns
from risk.replay import flag_replay

ERRORS = {403: ErrorSerializer, 404: ErrorSerializer}


class RiskFlagViewSet(ReadOnlyModelViewSet):
    """Risk flags R01–R05 with their evidence: a department sees its region, operators and monitors all, a school
    nothing (403)."""

    serializer_class = RiskFlagSerializer
    filterset_class = RiskFlagFilterSet
    permission_classes = [PortalPermission, MaySeeRisk]
    ordering_fields = ["code", "status", "created_at", "updated_at"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.flag_list(user=self.request.user).prefetch_related("school_links")

    @extend_schema(responses={200: RiskReplaySerializer, **ERRORS})
    @action(detail=True, methods=["get"])
    def replay(self, request, pk=None):
        """Recompute the flag from the stored snapshots with what its run used, and compare (changes nothing)."""
        return Response(RiskReplaySerializer(flag_replay(flag=self.get_object())).data)


class RiskScoreViewSet(ReadOnlyModelViewSet):
    """Risk scores of schools in the latest successful run (or ``?run=``), ranked within their peers."""

    serializer_class = RiskScoreSerializer
    filterset_class = RiskScoreFilterSet
    permission_classes = [PortalPermission, MaySeeRisk]
    ordering_fields = ["score", "percentile", "pupils"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        run_id = self.request.query_params.get("run")
        run = None
        if run_id and run_id.isdigit() and len(run_id) <= 18:
            run = RiskRun.objects.filter(pk=int(run_id)).first()
            if run is None:
                return RiskScore.objects.none()
        return selectors.score_list(user=self.request.user, run=run)


class RiskRunViewSet(ReadOnlyModelViewSet):
    """Risk runs: snapshots, dates, thresholds, rule versions and open flags per code (national: operators, monitors)."""

    serializer_class = RiskRunSerializer
    permission_classes = [PortalPermission, MaySeeRuns]
    lookup_value_regex = ID_REGEX
    filterset_class = RiskRunFilterSet

    def get_queryset(self):
        return selectors.run_list(user=self.request.user)
