from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from checks import selectors
from checks.api.serializers import (
    CheckRunSerializer,
    FindingDecisionSerializer,
    FindingExplainSerializer,
    FindingSerializer,
)
from checks.filters import CheckRunFilterSet, FindingFilterSet
from checks.services import finding_explain, finding_resolve, finding_waive
from core.api.serializers import ErrorSerializer
from core.api.viewsets import ID_REGEX, ReadOnlyModelViewSet

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class FindingViewSet(ReadOnlyModelViewSet):
    """Findings of the checks: a school sees its own, a department its region, operators and monitors all.

    A school explains its open warnings; the department of the school's region or an operator waives
    or resolves a finding, with a reason.
    """

    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    ordering_fields = ["code", "severity", "status", "created_at", "updated_at"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.finding_list(user=self.request.user).order_by("-last_run_id", "code", "id")

    def _respond(self, finding):
        finding = selectors.finding_get(user=self.request.user, pk=finding.pk)
        return Response(FindingSerializer(finding, context=self.get_serializer_context()).data)

    @extend_schema(request=FindingExplainSerializer, responses={200: FindingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def explain(self, request, pk=None):
        """The school explains one of its open warnings (open → explained)."""
        finding = self.get_object()
        payload = FindingExplainSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(finding_explain(finding=finding, actor=request.user, explanation=payload.validated_data["explanation"]))

    @extend_schema(request=FindingDecisionSerializer, responses={200: FindingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        """Accept the finding as not blocking, with a reason (department of the region, operator)."""
        finding = self.get_object()
        payload = FindingDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(finding_waive(finding=finding, actor=request.user, reason=payload.validated_data["reason"]))

    @extend_schema(request=FindingDecisionSerializer, responses={200: FindingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Mark the finding resolved, with a reason; the next run reopens it if the problem is still there."""
        finding = self.get_object()
        payload = FindingDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(finding_resolve(finding=finding, actor=request.user, reason=payload.validated_data["reason"]))


class CheckRunViewSet(ReadOnlyModelViewSet):
    """Check runs: date D, snapshot, rule versions, what was read, when, and the findings per code."""

    serializer_class = CheckRunSerializer
    filterset_class = CheckRunFilterSet
    ordering_fields = ["started_at", "check_date"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.check_run_list(user=self.request.user).order_by("-started_at", "-id")
