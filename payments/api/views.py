"""Payments, registries, bank confirmations, recoveries and final reports.

Every transition is an action endpoint calling its service; reads go through the selectors.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from acts.api.views import with_errors
from core.api.documents import CSV, PDF, XLSX, FirstRendererNegotiation, document_action
from core.api.serializers import ErrorSerializer, ReasonSerializer
from core.api.viewsets import PortalViewSet
from core.exports import export_response
from payments import selectors, services
from payments.api import serializers as s
from payments.filters import FinalReportFilterSet, PaymentFilterSet, RecoveryFilterSet
from payments.models import BankConfirmation, FinalReport, Payment, Recovery
from payments.pdf import report_headers, report_pdf, report_rows
from payments.reports import report_figures
from signatures.api.mixins import SigningPayloadMixin
from signatures.api.serializers import SignedActionSerializer


@extend_schema_view(list=extend_schema(summary="Payments you may see"),
                    retrieve=extend_schema(summary="One payment with its calculation", responses=with_errors({200: s.PaymentSerializer})))
class PaymentViewSet(SigningPayloadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    """Payments of accepted acts: prepared by one operator, approved by another."""

    serializer_class = s.PaymentSerializer
    filterset_class = PaymentFilterSet
    permission_actions = {"create": "prepare"}  # who may: Payment.scope
    ordering_fields = ["prepared_at", "amount", "status"]

    def get_queryset(self):
        return selectors.payment_list(user=self.request.user).prefetch_related("offsets")

    def _payment(self) -> Payment:
        return selectors.payment_get(user=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, payment, code=status.HTTP_200_OK):
        payment = selectors.payment_get(user=self.request.user, pk=payment.pk)
        return Response(s.PaymentSerializer(payment, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary="Prepare the payment of an accepted act (operator; signed in SIGNATURE_MODE=cms: "
                           "acts/{id}/signing-payload/?action=prepare-payment)", request=s.PaymentPrepareSerializer,
                   responses=with_errors({201: s.PaymentSerializer}))
    def create(self, request):
        data = self.input(s.PaymentPrepareSerializer)
        return self._answer(services.payment_prepare(act=data["act"], actor=request.user, cms=data.get("cms", "")),
                            status.HTTP_201_CREATED)

    @extend_schema(summary="Approve a prepared payment (another operator; signed in SIGNATURE_MODE=cms: "
                           "signing-payload/?action=approve)", request=SignedActionSerializer,
                   responses=with_errors({200: s.PaymentSerializer}))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = self.input(SignedActionSerializer)
        return self._answer(services.payment_approve(payment=self._payment(), actor=request.user, cms=data.get("cms", "")))

    @extend_schema(summary="Cancel a prepared payment (operator)", request=ReasonSerializer,
                   responses=with_errors({200: s.PaymentSerializer}))
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = self.input(ReasonSerializer)
        return self._answer(services.payment_cancel(payment=self._payment(), actor=request.user, reason=data["reason"]))

    @extend_schema(summary="Re-issue a failed payment as a new one (operator; signed in SIGNATURE_MODE=cms: "
                           "acts/{id}/signing-payload/?action=prepare-payment)", request=SignedActionSerializer,
                   responses=with_errors({201: s.PaymentSerializer}))
    @action(detail=True, methods=["post"])
    def reissue(self, request, pk=None):
        data = self.input(SignedActionSerializer)
        new = services.payment_reissue(payment=self._payment(), actor=request.user, cms=data.get("cms", ""))
        return self._answer(new, status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="Payment registries (operators)"),
                    retrieve=extend_schema(summary="One registry", responses=with_errors({200: s.RegistrySerializer})))
class PaymentRegistryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    """Registries of approved payments for the bank."""

    serializer_class = s.RegistrySerializer

    def get_queryset(self):
        return selectors.registry_list(user=self.request.user)

    @extend_schema(summary="Put the approved payments in a new registry (operator)", request=s.RegistryCreateSerializer,
                   responses=with_errors({201: s.RegistrySerializer}))
    def create(self, request):
        data = self.input(s.RegistryCreateSerializer)
        registry = services.registry_create(actor=request.user, payment_ids=data.get("payments"))
        return Response(s.RegistrySerializer(registry).data, status=status.HTTP_201_CREATED)

    def _registry_file(self, fmt: str):
        registry = selectors.registry_get(user=self.request.user, pk=self.kwargs["pk"])
        return export_response(fmt=fmt, filename=f"registry-{registry.number}", headers=selectors.REGISTRY_HEADERS,
                               rows=selectors.registry_rows(registry=registry))

    @extend_schema(
        summary="Download the registry: payment_reference, bin, payee, iban, amount, purpose, contract_number, month",
        parameters=[OpenApiParameter("file_format", enum=["csv", "xlsx"], default="csv")], filters=False,
        responses={(200, CSV): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY, 400: ErrorSerializer,
                   404: ErrorSerializer},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None,
            content_negotiation_class=FirstRendererNegotiation)
    def export(self, request, pk=None):
        params = s.ExportFormatSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return self._registry_file(params.validated_data["file_format"])

    @document_action(url_path="csv", media_type=CSV, summary="The registry for the bank as CSV (UTF-8): "
                     "payment_reference, bin, payee, iban, amount, purpose, contract_number, month")
    def csv(self, request, pk=None):
        return self._registry_file("csv")

    @document_action(url_path="xlsx", media_type=XLSX, summary="The registry for the bank as XLSX (the columns of the CSV)")
    def xlsx(self, request, pk=None):
        return self._registry_file("xlsx")


@extend_schema_view(list=extend_schema(summary="Bank confirmations (operators)"),
                    retrieve=extend_schema(summary="One confirmation", responses=with_errors({200: s.BankConfirmationSerializer})))
class BankConfirmationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    """The bank's confirmations: upload (checked, a preview), then apply — all rows or none."""

    serializer_class = s.BankConfirmationSerializer
    permission_actions = {"create": "upload"}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return selectors.confirmation_list(user=self.request.user)

    @extend_schema(summary="Upload a confirmation file: checked and previewed, applied if apply=true (operator)",
                   request={"multipart/form-data": s.BankConfirmationUploadSerializer},
                   responses=with_errors({201: s.BankConfirmationPreviewSerializer}))
    def create(self, request):
        data = self.input(s.BankConfirmationUploadSerializer)
        confirmation, rows = services.confirmation_upload(file=data["file"], actor=request.user)
        if data["apply"]:
            confirmation = services.confirmation_apply(confirmation=confirmation, actor=request.user)
        body = s.BankConfirmationPreviewSerializer({"confirmation": confirmation, "rows": rows}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Apply a checked confirmation (operator)", request=None,
                   responses=with_errors({200: s.BankConfirmationSerializer}))
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        confirmation: BankConfirmation = selectors.confirmation_get(user=request.user, pk=pk)
        return Response(s.BankConfirmationSerializer(services.confirmation_apply(confirmation=confirmation,
                                                                                 actor=request.user)).data)


@extend_schema_view(list=extend_schema(summary="Recoveries you may see"),
                    retrieve=extend_schema(summary="One recovery", responses=with_errors({200: s.RecoverySerializer})))
class RecoveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    """Money paid for lines later found in error, offset against the contract's next payments."""

    serializer_class = s.RecoverySerializer
    filterset_class = RecoveryFilterSet
    ordering_fields = ["created_at", "amount"]

    def get_queryset(self):
        return selectors.recovery_list(user=self.request.user)

    @extend_schema(summary="Cancel a recovery, with the reason (department or operator)", request=ReasonSerializer,
                   responses=with_errors({200: s.RecoverySerializer}))
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = self.input(ReasonSerializer)
        recovery: Recovery = selectors.recovery_get(user=request.user, pk=pk)
        services.recovery_cancel(recovery=recovery, actor=request.user, reason=data["reason"])
        return Response(s.RecoverySerializer(selectors.recovery_get(user=request.user, pk=pk)).data)


@extend_schema_view(list=extend_schema(summary="Final reports you may see"),
                    retrieve=extend_schema(summary="One final report with its figures",
                                           responses=with_errors({200: s.FinalReportSerializer})))
class FinalReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    """Final reports per contract and school year: ordered, contracted, accepted, paid, recovered."""

    serializer_class = s.FinalReportSerializer
    filterset_class = FinalReportFilterSet
    ordering_fields = ["school_year", "status", "created_at"]
    permission_actions = {"create": "prepare"}

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    def get_serializer_class(self):
        return s.FinalReportListSerializer if self.action == "list" else s.FinalReportSerializer

    @extend_schema(summary="Prepare the final report of a contract", request=s.FinalReportCreateSerializer,
                   responses=with_errors({201: s.FinalReportSerializer}))
    def create(self, request):
        data = self.input(s.FinalReportCreateSerializer)
        report = services.final_report_prepare(contract=data["contract"], actor=request.user)
        return Response(s.FinalReportSerializer(selectors.report_get(user=request.user, pk=report.pk)).data,
                        status=status.HTTP_201_CREATED)

    def _report_file(self, fmt: str):
        report: FinalReport = selectors.report_get(user=self.request.user, pk=self.kwargs["pk"])
        figures = report.figures or report_figures(report.contract)
        filename = f"final-report-{report.pk}-{report.school_year}"
        if fmt == "pdf":
            response = HttpResponse(report_pdf(report=report, figures=figures), content_type=PDF)
            response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
            return response
        return export_response(fmt=fmt, filename=filename, headers=report_headers(), rows=report_rows(figures))

    @document_action(url_path="pdf", media_type=PDF, summary="Printable PDF of the final report")
    def pdf(self, request, pk=None):
        return self._report_file("pdf")

    @document_action(url_path="xlsx", media_type=XLSX, summary="The final report's figures as XLSX, month by level")
    def xlsx(self, request, pk=None):
        return self._report_file("xlsx")

    @document_action(url_path="csv", media_type=CSV, summary="The final report's figures as CSV (UTF-8), month by level")
    def csv(self, request, pk=None):
        return self._report_file("csv")

    @extend_schema(summary="Approve the report; its figures are frozen (department)", request=None,
                   responses=with_errors({200: s.FinalReportSerializer}))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        report: FinalReport = selectors.report_get(user=request.user, pk=pk)
        services.final_report_approve(report=report, actor=request.user)
        return Response(s.FinalReportSerializer(selectors.report_get(user=request.user, pk=pk)).data)

