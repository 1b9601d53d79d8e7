"""API of state orders, applications, contracts and the public queue.

Reads go through the selectors (central scoping); every transition is a POST action endpoint
that calls its one service. Who may is asked of the one decision by ``PortalPermission`` (each model's scope) and
again by the services.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.documents import HTML, PDF, document_action
from core.api.serializers import ErrorSerializer, OptionalReasonSerializer, ReasonSerializer
from core.api.viewsets import ID_REGEX, GenericViewSet, ReadOnlyModelViewSet
from core.errors import DomainError
from core.scoping import effective_role
from orders import selectors, services
from orders.api import serializers as s
from orders.filters import ApplicationFilterSet, ContractFilterSet, QueueFilterSet, StateOrderFilterSet
from orders.pdf import PDF_LANGUAGES, contract_pdf
from orders.transitions import SIGN_ACTION_BY_ROLE
from signatures.api.mixins import SigningPayloadMixin

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def action_schema(request, response, summary: str):
    return extend_schema(request=request, responses={200: response, **ERRORS}, summary=summary)


@extend_schema_view(
    list=extend_schema(summary="State orders you may see (anyone: published and closed ones)"),
    retrieve=extend_schema(summary="One state order", responses={200: s.StateOrderSerializer, 404: ErrorSerializer}),
)
class StateOrderViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyModelViewSet):
    """State orders. A department officer drafts, edits (draft only), publishes and closes its region's orders."""

    public = True  # open data: anyone reads published and closed orders (the scope decides)
    serializer_class = s.StateOrderSerializer
    filterset_class = StateOrderFilterSet
    ordering_fields = ["school_year", "created_at", "budget"]
    lookup_value_regex = ID_REGEX
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        return selectors.order_list(user=self.request.user)

    def _respond(self, order, code=status.HTTP_200_OK):
        order = self.get_queryset().get(pk=order.pk)
        return Response(s.StateOrderSerializer(order, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.StateOrderWriteSerializer, responses={201: s.StateOrderSerializer, **ERRORS},
                   summary="Draft a state order for your region")
    def create(self, request, *args, **kwargs):
        payload = s.StateOrderWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.order_create(data=payload.to_input(user=request.user), actor=request.user)
        return self._respond(order, status.HTTP_201_CREATED)

    @extend_schema(request=s.StateOrderWriteSerializer, responses={200: s.StateOrderSerializer, **ERRORS},
                   summary="Replace a draft order's data (every change is logged)")
    def update(self, request, *args, **kwargs):
        order = self.get_object()
        payload = s.StateOrderWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.order_update(order=order, data=payload.to_input(user=request.user), actor=request.user)
        return self._respond(order)

    @action_schema(None, s.StateOrderSerializer, "Publish a draft order")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._respond(services.order_publish(order=self.get_object(), actor=request.user))

    @action_schema(OptionalReasonSerializer, s.StateOrderSerializer, "Close a published order (no application may be pending)")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        payload = OptionalReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = services.order_close(order=self.get_object(), actor=request.user, reason=payload.validated_data["reason"])
        return self._respond(order)


@extend_schema_view(
    list=extend_schema(summary="Applications you may see"),
    retrieve=extend_schema(summary="One application", responses={200: s.ApplicationSerializer, 404: ErrorSerializer}),
)
class ApplicationViewSet(mixins.CreateModelMixin, ReadOnlyModelViewSet):
    """Applications: a school applies and may withdraw; the department approves or rejects."""

    permission_actions = {"create": "submit"}  # who may: Application.scope
    serializer_class = s.ApplicationSerializer
    filterset_class = ApplicationFilterSet
    ordering_fields = ["submitted_at", "decided_at"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.application_list(user=self.request.user)

    def _respond(self, application, code=status.HTTP_200_OK):
        application = self.get_queryset().get(pk=application.pk)
        return Response(s.ApplicationSerializer(application, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.ApplicationCreateSerializer, responses={201: s.ApplicationSerializer, **ERRORS},
                   summary="Apply to a published order of your region (joins the public queue)")
    def create(self, request, *args, **kwargs):
        payload = s.ApplicationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = selectors.order_list(user=request.user).filter(pk=payload.validated_data["order"]).first()
        if order is None:
            raise DomainError(_("No such state order is open to you."), field="order", code="no_such_order")
        application = services.application_submit(order=order, places=payload.places(), actor=request.user)
        return self._respond(application, status.HTTP_201_CREATED)

    @action_schema(OptionalReasonSerializer, s.ApplicationSerializer, "Withdraw your submitted application")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        payload = OptionalReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        application = services.application_withdraw(application=self.get_object(), actor=request.user,
                                                    reason=payload.validated_data["reason"])
        return self._respond(application)

    @action_schema(s.ApplicationApproveSerializer, s.ApplicationSerializer,
                   "Approve (possibly fewer places per level) and draw up the contract")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        payload = s.ApplicationApproveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        application = services.application_approve(application=self.get_object(), actor=request.user,
                                                   places=payload.places(), note=payload.validated_data["note"])
        return self._respond(application)

    @action_schema(ReasonSerializer, s.ApplicationSerializer, "Reject with a reason")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        application = services.application_reject(application=self.get_object(), actor=request.user,
                                                  reason=payload.validated_data["reason"])
        return self._respond(application)


@extend_schema_view(
    list=extend_schema(summary="Contracts you may see"),
    retrieve=extend_schema(summary="One contract", responses={200: s.ContractSerializer, 404: ErrorSerializer}),
)
class ContractViewSet(SigningPayloadMixin, ReadOnlyModelViewSet):
    """Contracts: signed by the school, then the department; suspended, resumed, terminated, closed by the department."""

    # "sign" is the signing transition of the signer's party (who may: Contract.scope)
    permission_actions = {"sign": lambda request: SIGN_ACTION_BY_ROLE.get(effective_role(request.user))}
    serializer_class = s.ContractSerializer
    filterset_class = ContractFilterSet
    ordering_fields = ["created_at", "number", "total_amount"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.contract_list(user=self.request.user)

    def _respond(self, contract):
        contract = self.get_queryset().get(pk=contract.pk)
        return Response(s.ContractSerializer(contract, context=self.get_serializer_context()).data)

    @action_schema(s.SignSerializer, s.ContractSerializer,
                   "Sign the contract document (the school first, then the department): the document's SHA-256 "
                   "in SIGNATURE_MODE=confirm, the qualified signature of signing-payload/?action=sign in cms mode")
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        payload = s.SignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contract = services.contract_sign(contract=self.get_object(), actor=request.user,
                                          document_sha256=payload.validated_data.get("document_sha256", ""),
                                          cms=payload.validated_data.get("cms", ""))
        return self._respond(contract)

    @action_schema(ReasonSerializer, s.ContractSerializer, "Suspend an active contract (reason required)")
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._move(request, services.contract_suspend, ReasonSerializer)

    @action_schema(OptionalReasonSerializer, s.ContractSerializer, "Resume a suspended contract")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._move(request, services.contract_resume, OptionalReasonSerializer)

    @action_schema(ReasonSerializer, s.ContractSerializer, "Terminate the contract (reason required)")
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        return self._move(request, services.contract_terminate, ReasonSerializer)

    @action_schema(OptionalReasonSerializer, s.ContractSerializer, "Close the contract")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._move(request, services.contract_close, OptionalReasonSerializer)

    def _move(self, request, service, serializer_class):
        payload = serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(service(contract=self.get_object(), actor=request.user, reason=payload.validated_data["reason"]))

    @document_action(url_path="document", media_type=HTML,
                     summary="The signed document, byte for byte: Kazakh, then Russian text (its SHA-256 is what "
                             "the parties sign)")
    def document(self, request, pk=None):
        contract = self.get_object()
        document = contract.document
        if document is None:
            raise DomainError(_("This contract has no document."), code="no_document")
        response = HttpResponse(bytes(document.content), content_type=document.media_type)
        response["X-Content-SHA256"] = document.sha256
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        response["Content-Disposition"] = f'inline; filename="contract-{contract.number}.html"'
        return response

    @document_action(url_path="pdf", media_type=PDF, summary="Printable PDF of the contract", parameters=[
        OpenApiParameter("lang", str, enum=list(PDF_LANGUAGES), default="kk", description="Language of the PDF")])
    def pdf(self, request, pk=None):
        language = request.query_params.get("lang", "kk")
        if language not in PDF_LANGUAGES:
            raise DomainError(_("Choose the PDF language: kk, ru or en."), field="lang", code="bad_language")
        contract = self.get_object()
        response = HttpResponse(contract_pdf(contract, language=language), content_type=PDF)
        response["Content-Disposition"] = f'inline; filename="contract-{contract.number}-{language}.pdf"'
        return response


@extend_schema_view(list=extend_schema(summary="The public application queue (no sign-in, no personal data)"))
class QueueEntryViewSet(mixins.ListModelMixin, GenericViewSet):
    """The public queue: applications to published and closed orders, in order of submission (to the microsecond)."""

    public = True
    serializer_class = s.QueueEntrySerializer
    filterset_class = QueueFilterSet
    ordering_fields: list[str] = []  # the queue has one order: submission time

    def get_queryset(self):
        return selectors.queue_entries()
