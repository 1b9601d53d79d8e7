"""Contingent API: enrolments (with their pupils), uploads with preview, NOBD snapshot metadata.

Reads go through the selectors (scoped to the user); writes through the services. Only the
school itself writes its contingent; operators load bulk files with ``import_contingent``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from contingent.api.serializers import (
    ContingentImportSerializer,
    ContingentUploadSerializer,
    EnrolmentCreateSerializer,
    EnrolmentSerializer,
    EnrolmentUpdateSerializer,
    LeaveSerializer,
    NobdSnapshotSerializer,
    PupilSerializer,
)
from contingent.choices import ImportStatus
from contingent.filters import EnrolmentFilterSet, NobdSnapshotFilterSet, PupilFilterSet
from contingent.models import ContingentImport, Enrolment
from contingent.selectors import enrolment_list, import_list, pupil_list, snapshot_list
from contingent.services.enrolments import enrolment_add, enrolment_leave, enrolment_update
from contingent.services.imports import contingent_upload, contingent_upload_confirm, contingent_upload_discard
from core.api.serializers import ErrorSerializer
from core.api.viewsets import ID_REGEX, GenericViewSet, ReadOnlyModelViewSet
from core.scoping import require

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _created_or_accepted(record) -> int:
    return status.HTTP_202_ACCEPTED if record.status == ImportStatus.CHECKING else status.HTTP_201_CREATED


def _school_of(user, action: str, model):
    """The school whose contingent a school user writes: it may ``action`` to its own rows of ``model``
    (``PortalPermission`` asked the same; the service asks again)."""
    require(user, action, model)
    return user.school


LIST_COLUMNS = ["id", "school", "pupil", "kind", "grade", "category", "specialty_group", "enrolled_on", "left_on",
                "created_at", "updated_at", "pupil__iin", "pupil__last_name", "pupil__first_name", "pupil__middle_name",
                "pupil__birth_date"]


class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """A school's pupils: list (filter by grade, level, category, active on a date, has findings, IIN or
    name, school), read, add (the school itself), change, mark as left."""

    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilterSet
    ordering_fields = ["grade", "enrolled_on", "left_on", "id"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        # Of the school, the API shows only its BIN (the selector's ``school_bin``): no school row is built.
        enrolments = enrolment_list(user=self.request.user).select_related(None).select_related("pupil")
        # A list reads the columns it shows (``EnrolmentSerializer``).
        return enrolments.only(*LIST_COLUMNS) if self.action == "list" else enrolments

    @extend_schema(request=EnrolmentCreateSerializer, responses={201: EnrolmentSerializer, **ERRORS})
    def create(self, request):
        data = EnrolmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = enrolment_add(school=_school_of(request.user, "add", Enrolment), actor=request.user, **data.validated_data)
        return Response(EnrolmentSerializer(self.get_queryset().get(pk=enrolment.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EnrolmentUpdateSerializer, responses={200: EnrolmentSerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        enrolment = self.get_object()
        data = EnrolmentUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        enrolment_update(enrolment=enrolment, actor=request.user, **data.validated_data)
        return Response(EnrolmentSerializer(self.get_queryset().get(pk=enrolment.pk)).data)

    @extend_schema(request=LeaveSerializer, responses={200: EnrolmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        """Mark the pupil as having left on ``left_on`` (the last day at the school)."""
        enrolment = self.get_object()
        data = LeaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment_leave(enrolment=enrolment, actor=request.user, **data.validated_data)
        return Response(EnrolmentSerializer(self.get_queryset().get(pk=enrolment.pk)).data)


class PupilViewSet(ReadOnlyModelViewSet):
    """Pupils of the enrolments the user may see."""

    serializer_class = PupilSerializer
    filterset_class = PupilFilterSet
    ordering_fields = ["last_name", "birth_date", "id"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return pupil_list(user=self.request.user)


class NobdSnapshotViewSet(ReadOnlyModelViewSet):
    """NOBD snapshots: date, source, SHA-256, rows, status. Metadata only; never the rows."""

    serializer_class = NobdSnapshotSerializer
    filterset_class = NobdSnapshotFilterSet
    ordering_fields = ["taken_on", "id"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return snapshot_list(user=self.request.user)


class ContingentImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """A school's contingent files: upload one (checked, kept for a preview, nothing saved), then
    confirm it (checked again and merged, all or nothing) or discard it. Large files are checked and
    merged by a background task: the answer is then 202 and the upload shows its ``progress``."""

    serializer_class = ContingentImportSerializer
    lookup_value_regex = ID_REGEX
    ordering_fields = ["created_at", "id"]
    permission_actions = {"create": "upload", "confirm": "apply"}  # who may: ContingentImport.scope
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return import_list(user=self.request.user)

    @extend_schema(request={"multipart/form-data": ContingentUploadSerializer},
                   responses={201: ContingentImportSerializer, 202: ContingentImportSerializer, **ERRORS})
    def create(self, request):
        """Upload a file: 201 when it is checked at once (a small file), 202 when a task checks it; then poll
        ``GET /contingent-imports/{id}/`` until ``status`` leaves ``checking`` (``progress`` says how far)."""
        data = ContingentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = _school_of(request.user, "upload", ContingentImport)
        record = contingent_upload(school=school, actor=request.user, upload=data.validated_data["file"],
                                   kind=data.validated_data["kind"])
        return Response(ContingentImportSerializer(record).data, status=_created_or_accepted(record))

    @extend_schema(request=None, responses={200: ContingentImportSerializer, 202: ContingentImportSerializer, **ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[])
    def confirm(self, request, pk=None):
        """Check the kept file again and merge it: 200 when done, 202 when a task does it (poll the upload)."""
        record = contingent_upload_confirm(record=self.get_object(), actor=request.user)
        return Response(ContingentImportSerializer(record).data,
                        status=status.HTTP_202_ACCEPTED if record.status == ImportStatus.APPLYING else status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: ContingentImportSerializer, **ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[])
    def discard(self, request, pk=None):
        record = contingent_upload_discard(record=self.get_object(), actor=request.user)
        return Response(ContingentImportSerializer(record).data)
