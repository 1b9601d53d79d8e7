"""Acts and their lines: the school builds and submits, the department decides every line.

Every transition is an action endpoint calling its service; reads go through the selectors. The
routes (``/api/v1/acts/``, ``/api/v1/act-lines/``) are those of the time the acts lived in the
payments app: external clients use them.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from acts import selectors, services
from acts.api import serializers as s
from acts.filters import ActFilterSet, ActLineFilterSet
from acts.models import Act
from acts.pdf import act_pdf
from core.api.documents import PDF, document_action
from core.api.serializers import ErrorSerializer, ReasonSerializer
from core.api.viewsets import PortalViewSet
from core.errors import DomainError
from signatures.api.mixins import SigningPayloadMixin
from signatures.api.serializers import SignedActionSerializer

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def with_errors(ok):
    return {**ok, **ERRORS}


@extend_schema_view(
    list=extend_schema(summary="Acts of services rendered you may see"),
    retrieve=extend_schema(summary="One act", responses=with_errors({200: s.ActSerializer})),
)
class ActViewSet(SigningPayloadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    """Monthly acts: the school builds and submits; the department decides every line, then accepts,
    partly accepts or returns. Submission and acceptance are signed in ``SIGNATURE_MODE=cms``: fetch
    ``signing-payload/?action=submit|accept|partly-accept`` (and ``prepare-payment`` for an operator),
    sign it with NCALayer and post ``{"cms": …}`` to the action."""

    serializer_class = s.ActSerializer
    filterset_class = ActFilterSet
    permission_actions = {"create": "build", "decide_lines": "decide", "draw_sample": "inspect", "inspect_line": "inspect",
                          "return_": "return"}  # who may: Act.scope
    ordering_fields = ["month", "status", "total_amount", "submitted_at"]

    def get_queryset(self):
        return selectors.act_list(user=self.request.user)

    def _act(self) -> Act:
        return selectors.act_get(user=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, act, code=status.HTTP_200_OK):
        act = selectors.act_get(user=self.request.user, pk=act.pk)
        return Response(s.ActSerializer(act, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary="Build the act of a month from the contingent (school)", request=s.ActBuildSerializer,
                   responses=with_errors({201: s.ActSerializer}))
    def create(self, request):
        data = self.input(s.ActBuildSerializer)
        act = services.act_build(contract=data["contract"], month=data["month"], actor=request.user)
        return self._answer(act, status.HTTP_201_CREATED)

    @extend_schema(summary="Rebuild a draft from the current contingent (school)", request=None,
                   responses=with_errors({200: s.ActSerializer}))
    @action(detail=True, methods=["post"])
    def rebuild(self, request, pk=None):
        return self._answer(services.act_rebuild(act=self._act(), actor=request.user))

    @extend_schema(summary="Submit the act to the department (school; signed in SIGNATURE_MODE=cms)",
                   request=SignedActionSerializer, responses=with_errors({200: s.ActSerializer}))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = self.input(SignedActionSerializer)
        return self._answer(services.act_submit(act=self._act(), actor=request.user, cms=data.get("cms", "")))

    @extend_schema(summary="Correct a returned act: build its next version (school)", request=None,
                   responses=with_errors({200: s.ActSerializer}))
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        return self._answer(services.act_correct(act=self._act(), actor=request.user))

    @extend_schema(summary="Accept or reject lines (department)", request=s.DecideLinesSerializer,
                   responses=with_errors({200: s.DecidedSerializer}))
    @action(detail=True, methods=["post"], url_path="decide-lines")
    def decide_lines(self, request, pk=None):
        data = self.input(s.DecideLinesSerializer)
        count = services.act_lines_decide(act=self._act(), actor=request.user, decision=data["decision"],
                                          lines=data.get("lines"), selection=data.get("selection"),
                                          reason=data["reason"], note=data["note"])
        return Response({"decided": count})

    @extend_schema(summary="The inspection sample of the act's current version (or ?version=N)",
                   parameters=[OpenApiParameter("version", int, description="a version of the act (default: the current one)")],
                   responses=with_errors({200: s.InspectionSampleSerializer}))
    @action(detail=True, methods=["get"], url_path="inspection-sample", filterset_class=None, pagination_class=None)
    def inspection_sample(self, request, pk=None):
        act = self._act()
        version = request.query_params.get("version", "")
        if version and not (version.isdigit() and 0 < int(version) <= act.version):
            raise DomainError(_("The act has versions 1 to %(last)s.") % {"last": act.version}, field="version",
                              code="bad_version")
        version = int(version) if version else None
        sample = selectors.inspection_sample(act=act, user=request.user, version=version)
        if sample is None:
            raise NotFound(_("No inspection sample is drawn for this version, or you may not see it yet."))
        return Response(s.InspectionSampleSerializer(sample).data)

    @extend_schema(summary="Draw the inspection sample; drawn already: add the lines with new open findings "
                           "(department)", request=None, responses=with_errors({200: s.InspectionSampleSerializer}))
    @action(detail=True, methods=["post"], url_path="draw-sample")
    def draw_sample(self, request, pk=None):
        act = self._act()
        services.act_sample_draw(act=act, actor=request.user)
        return Response(s.InspectionSampleSerializer(selectors.inspection_sample(act=act, user=request.user)).data)

    @extend_schema(summary="Record the inspection result of a sampled line (department)",
                   request=s.InspectLineSerializer, responses=with_errors({200: s.InspectionItemSerializer}))
    @action(detail=True, methods=["post"], url_path="inspect-line")
    def inspect_line(self, request, pk=None):
        data = self.input(s.InspectLineSerializer)
        item = services.act_line_inspect(act=self._act(), actor=request.user, line=data["line"], result=data["result"],
                                         note=data["note"])
        return Response(s.InspectionItemSerializer(item).data)

    @extend_schema(summary="Accept the act: every line inspected and accepted (department; signed in SIGNATURE_MODE=cms)",
                   request=SignedActionSerializer, responses=with_errors({200: s.ActSerializer}))
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = self.input(SignedActionSerializer)
        return self._answer(services.act_accept(act=self._act(), actor=request.user, cms=data.get("cms", "")))

    @extend_schema(summary="Accept the act without the rejected lines (department; signed in SIGNATURE_MODE=cms)", request=s.PartlyAcceptSerializer,
                   responses=with_errors({200: s.ActSerializer}))
    @action(detail=True, methods=["post"], url_path="partly-accept")
    def partly_accept(self, request, pk=None):
        data = self.input(s.PartlyAcceptSerializer)
        return self._answer(services.act_partly_accept(act=self._act(), actor=request.user,
                                                       rejections=data["rejections"], cms=data.get("cms", "")))

    @extend_schema(summary="Return the act to the school for correction (department)", request=ReasonSerializer,
                   responses=with_errors({200: s.ActSerializer}))
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        data = self.input(ReasonSerializer)
        return self._answer(services.act_return(act=self._act(), actor=request.user, reason=data["reason"]))

    @document_action(url_path="pdf", media_type=PDF,
                     summary="Printable PDF of the act: its lines, decisions and submissions")
    def pdf(self, request, pk=None):
        act = self._act()
        content = act_pdf(act=act, lines=selectors.act_lines(act=act), submissions=list(selectors.act_submissions(act=act)))
        response = HttpResponse(content, content_type=PDF)
        response["Content-Disposition"] = f'inline; filename="act-{act.pk}-{act.month:%Y-%m}.pdf"'
        return response

    @extend_schema(summary="What was submitted each time and what became of it", filters=False,
                   responses=with_errors({200: s.ActSubmissionSerializer(many=True)}))
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def submissions(self, request, pk=None):
        return Response(s.ActSubmissionSerializer(selectors.act_submissions(act=self._act()), many=True).data)

    @extend_schema(summary="Late acts and late reviews you may see (paginated: thousands nationally)", filters=False,
                   responses={200: s.OverdueItemSerializer(many=True)})
    @action(detail=False, methods=["get"], filterset_class=None)
    def overdue(self, request):
        page = self.paginate_queryset(selectors.overdue_items(user=request.user))
        return self.get_paginated_response(s.OverdueItemSerializer(page, many=True).data)


class ActLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    """Lines of acts with the findings that concern them (``blocked``: an open error — not payable).

    Without ``version`` only the lines of each act's current version are listed.
    """

    serializer_class = s.ActLineSerializer
    filterset_class = ActLineFilterSet
    ordering_fields = ["amount", "days", "iin", "pupil_name"]

    def get_queryset(self):
        return selectors.act_line_list(user=self.request.user, current_only="version" not in self.request.query_params)

    @extend_schema(summary="Act lines you may see")
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.attach_findings(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="One act line with its findings", responses=with_errors({200: s.ActLineSerializer}))
    def retrieve(self, request, pk=None):
        line = self.get_object()
        selectors.attach_findings([line])
        return Response(self.get_serializer(line).data)
