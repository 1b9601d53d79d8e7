"""The audit trail, its published heads and monitoring cases through the API (thin: parse, scope, call)."""

from __future__ import annotations

import time

from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api.serializers import ErrorSerializer, OptionalReasonSerializer, ReasonSerializer
from core.api.viewsets import ID_REGEX, ReadOnlyModelViewSet
from core.audit_chain import verify
from core.exports import export_response
from core.models import PublishedHead
from oversight import selectors, services
from oversight.api.serializers import (
    AuditEventSerializer,
    CaseAskSerializer,
    CaseAttachmentSerializer,
    CaseAttachSerializer,
    CaseConcludeSerializer,
    CaseNoteSerializer,
    CaseOpenSerializer,
    CaseQuestionSerializer,
    MonitoringCaseSerializer,
    PublishedHeadSerializer,
    TextSerializer,
    VerifySerializer,
)
from oversight.exports import audit_export_check, audit_export_rows
from oversight.filters import (
    AuditEventFilterSet,
    CaseAttachmentFilterSet,
    CaseFilterSet,
    CaseQuestionFilterSet,
    PublishedHeadFilterSet,
)

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def verify_payload() -> dict:
    started = time.monotonic()
    result = verify()
    problem = result.problem
    return {
        "intact": result.intact, "count": result.count, "head": result.head, "summary": result.summary(),
        "published_checked": result.published_checked, "seconds": round(time.monotonic() - started, 3),
        "problem": None if problem is None else {"kind": problem.kind, "event_id": problem.event_id, "seq": problem.seq,
                                                 "message": problem.message},
    }


class AuditEventViewSet(ReadOnlyModelViewSet):
    """The audit trail: monitors, operators and administrators read every event, a department the events
    about objects of its region; schools none (403). Each event carries its chain links (``prev_hash``,
    ``hash``) and reads in words (``action_label``, ``from_label`` → ``to_label``, ``changes``)."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    ordering_fields = ["seq", "created_at"]
    lookup_value_regex = ID_REGEX

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not selectors.may_read_audit(request.user):
            raise PermissionDenied()

    def get_queryset(self):
        return selectors.audit_event_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = selectors.with_subjects(page if page is not None else queryset)
        serializer = self.get_serializer(rows, many=True)
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)

    @extend_schema(parameters=[OpenApiParameter("file_format", enum=["csv", "xlsx"], default="csv")],
                   responses={(200, "application/octet-stream"): bytes, **ERRORS})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The filtered events as CSV or XLSX, in words. An export covers at most 366 days (``date_from`` and
        ``date_to``, or ``date_from`` to today) unless it is narrowed to a school, an object or a person
        (``school``, ``school_bin``, ``object_id``, ``actor``); otherwise 400 ``export_too_wide``."""
        queryset = self.filter_queryset(self.get_queryset())
        audit_export_check(request.query_params)
        return export_response(fmt=request.query_params.get("file_format", "csv"),
                               filename=f"audit-{timezone.localdate():%Y-%m-%d}", **audit_export_rows(queryset))

    @extend_schema(responses={200: VerifySerializer, 403: ErrorSerializer})
    @action(detail=False, methods=["get"])
    def verify(self, request):
        """Re-compute the whole hash chain now and check it against its head and the published heads."""
        return Response(verify_payload())


class PublishedHeadViewSet(ReadOnlyModelViewSet):
    """Published heads of the audit chain (public): day, number of events, head hash and, when sealed,
    the RFC 3161 timestamp token over ``statement``. Anyone may keep a copy and compare later."""

    serializer_class = PublishedHeadSerializer
    public = True
    lookup_value_regex = ID_REGEX
    filterset_class = PublishedHeadFilterSet

    def get_queryset(self):
        return PublishedHead.objects.order_by("-seq")


class MonitoringCaseViewSet(mixins.CreateModelMixin, ReadOnlyModelViewSet):
    """Monitoring cases. Monitors open, question, conclude, send back, close and cancel (the one place
    where a monitor writes: ``core.scoping.MONITOR_ACTIONS``); the school of the case or the department of
    its region answers and reports the elimination; operators read. The school and the department never
    see the internal notes (nor internal files)."""

    serializer_class = MonitoringCaseSerializer
    filterset_class = CaseFilterSet
    ordering_fields = ["opened_at", "updated_at", "status"]
    lookup_value_regex = ID_REGEX
    # who may: MonitoringCase.scope (an internal file is the service's further question: ``attach_internal``)
    permission_actions = {"create": "open", "close": "close_case", "cancel": "cancel_case", "notes": "note",
                          "attachments": "attach"}

    def get_queryset(self):
        return selectors.case_list(user=self.request.user).order_by("-opened_at", "-id")

    def _respond(self, case, code=status.HTTP_200_OK):
        case = selectors.case_get(user=self.request.user, pk=case.pk)
        return Response(MonitoringCaseSerializer(case, context=self.get_serializer_context()).data, status=code)

    def _payload(self, serializer_class):
        payload = serializer_class(data=self.request.data)
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    @extend_schema(request=CaseOpenSerializer, responses={201: MonitoringCaseSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        """Open a case (monitors): on a school, a contract or an act, by hand or from a finding; or on a risk flag
        (``subject_kind=risk_flag``) or a procurement red flag (``procurement_flag``), ``subject_id`` the flag's id."""
        from checks.selectors import finding_get

        data = self._payload(CaseOpenSerializer)
        finding = None
        if data.get("finding"):
            try:
                finding = finding_get(user=request.user, pk=data["finding"])
            except Exception:  # noqa: BLE001 - DoesNotExist: not found or not visible
                raise Http404 from None
        subject_id = data.get("subject_id") or (finding.school_id if finding is not None else 0)
        case = services.case_open(actor=request.user, subject_kind=data["subject_kind"], subject_id=subject_id,
                                  ground=data["ground"], ground_details=data["ground_details"], finding=finding)
        return self._respond(case, status.HTTP_201_CREATED)

    @extend_schema(request=CaseAskSerializer, responses={201: CaseQuestionSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def ask(self, request, pk=None):
        """Put a question to the school or the department (the case moves into dialogue)."""
        data = self._payload(CaseAskSerializer)
        question = services.case_ask(case=self.get_object(), actor=request.user, **data)
        return Response(CaseQuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseConcludeSerializer, responses={200: MonitoringCaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        data = self._payload(CaseConcludeSerializer)
        return self._respond(services.case_conclude(case=self.get_object(), actor=request.user, **data))

    @extend_schema(request=TextSerializer, responses={200: MonitoringCaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="report-elimination")
    def report_elimination(self, request, pk=None):
        """The school or the department reports how the violation was eliminated."""
        data = self._payload(TextSerializer)
        return self._respond(services.case_report_elimination(case=self.get_object(), actor=request.user, text=data["text"]))

    @extend_schema(request=ReasonSerializer, responses={200: MonitoringCaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="reject-report")
    def reject_report(self, request, pk=None):
        data = self._payload(ReasonSerializer)
        return self._respond(services.case_reject_report(case=self.get_object(), actor=request.user, reason=data["reason"]))

    @extend_schema(request=OptionalReasonSerializer, responses={200: MonitoringCaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = self._payload(OptionalReasonSerializer)
        return self._respond(services.case_close(case=self.get_object(), actor=request.user, note=data["reason"]))

    @extend_schema(request=ReasonSerializer, responses={200: MonitoringCaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = self._payload(ReasonSerializer)
        return self._respond(services.case_cancel(case=self.get_object(), actor=request.user, reason=data["reason"]))

    @extend_schema(request=TextSerializer, responses={201: CaseNoteSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        """Add an internal note (monitors; never shown to the school or the department)."""
        data = self._payload(TextSerializer)
        note = services.case_note_add(case=self.get_object(), actor=request.user, text=data["text"])
        return Response(CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": CaseAttachSerializer}, responses={201: CaseAttachmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        """Attach a file (monitors, internal or shared; the school or the department, shared)."""
        case = self.get_object()
        data = self._payload(CaseAttachSerializer)
        question = None
        if data.get("question"):
            question = selectors.case_questions(user=request.user, case=case).filter(pk=data["question"]).first()
            if question is None:
                raise Http404
        attachment = services.case_attach(case=case, actor=request.user, upload=data["file"], question=question,
                                          internal=data["internal"])
        return Response(CaseAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class CaseQuestionViewSet(ReadOnlyModelViewSet):
    """Questions of monitoring cases; the addressee answers (``answer``)."""

    serializer_class = CaseQuestionSerializer
    filterset_class = CaseQuestionFilterSet
    lookup_value_regex = ID_REGEX
    permission_actions = {"answer": "answer"}  # who may: CaseQuestion.scope (the addressee)

    def get_queryset(self):
        from oversight.models import CaseQuestion

        return CaseQuestion.objects.visible_to(self.request.user).select_related("asked_by", "answered_by").order_by("-id")

    @extend_schema(request=TextSerializer, responses={200: CaseQuestionSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        payload = TextSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        question = services.case_answer(question=self.get_object(), actor=request.user, text=payload.validated_data["text"])
        return Response(CaseQuestionSerializer(question).data)


class CaseAttachmentViewSet(ReadOnlyModelViewSet):
    """Files of monitoring cases (internal ones for monitors and operators only); ``download`` gives the bytes."""

    serializer_class = CaseAttachmentSerializer
    filterset_class = CaseAttachmentFilterSet
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        from oversight.models import CaseAttachment

        return CaseAttachment.objects.visible_to(self.request.user).select_related("uploaded_by").order_by("-id")

    @extend_schema(responses={(200, "application/octet-stream"): bytes, 404: ErrorSerializer})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        attachment = self.get_object()
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
