"""API of procurement oversight. Reads go through the selectors (central scoping); each state change is
one POST that calls one service. ``PortalPermission`` refuses writes early, asking the one decision
(each model's scope; monitors never write); the services ask it again."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api.documents import FirstRendererNegotiation
from core.api.serializers import ErrorSerializer, OptionalReasonSerializer, ReasonSerializer
from core.api.viewsets import ID_REGEX, ReadOnlyModelViewSet
from core.errors import DomainError
from procurement import selectors, services
from procurement.api import serializers as s
from procurement.choices import UnitStatus
from procurement.filters import (
    ClaimFilterSet,
    ContractFilterSet,
    DeliveryFilterSet,
    FlagFilterSet,
    LineFilterSet,
    PenaltyFilterSet,
    UnitFilterSet,
)
from procurement.models import ContractLine, FlagRun, PenaltyClaim
from procurement.pdf import acceptance_act_pdf

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def action_schema(request, response, summary: str):
    return extend_schema(request=request, responses={200: response, **ERRORS}, summary=summary)


def _payload(serializer_class, request):
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


def _scoped(queryset, pk, field: str):
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise DomainError(_("No such record is open to you."), field=field, code="not_found")
    return row


@extend_schema_view(
    list=extend_schema(summary="Procurement contracts you may see"),
    retrieve=extend_schema(summary="One procurement contract with the lines you may see",
                           responses={200: s.ProcurementContractSerializer, 404: ErrorSerializer}),
)
class ProcurementContractViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyModelViewSet):
    """Contracts a department records for its region: number, supplier (checked against the unreliable-supplier register), lines."""

    permission_actions = {"import_file": "import"}  # who may: ProcurementContract.scope
    serializer_class = s.ProcurementContractSerializer
    filterset_class = ContractFilterSet
    ordering_fields = ["signed_on", "number", "supplier_name", "status", "created_at"]
    lookup_value_regex = ID_REGEX
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        return selectors.contract_list(user=self.request.user)

    def _respond(self, contract, code=status.HTTP_200_OK):
        contract = self.get_queryset().get(pk=contract.pk)
        return Response(s.ProcurementContractSerializer(contract, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.ContractWriteSerializer, responses={201: s.ProcurementContractSerializer, **ERRORS},
                   summary="Record a contract for your region (add its lines at procurement-contract-lines)")
    def create(self, request, *args, **kwargs):
        payload = s.ContractWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(services.contract_create(data=payload.to_input(), actor=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=s.ContractWriteSerializer, responses={200: s.ProcurementContractSerializer, **ERRORS},
                   summary="Change the contract's number, date or supplier (each change logged)")
    def update(self, request, *args, **kwargs):
        payload = s.ContractWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(services.contract_update(contract=self.get_object(), data=payload.to_input(), actor=request.user))

    @action_schema(OptionalReasonSerializer, s.ProcurementContractSerializer, "Close a fulfilled contract")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = _payload(OptionalReasonSerializer, request)
        return self._respond(services.contract_close(contract=self.get_object(), actor=request.user, reason=data["reason"]))

    @action_schema(ReasonSerializer, s.ProcurementContractSerializer, "Terminate the contract (reason required); lateness stops counting")
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        data = _payload(ReasonSerializer, request)
        return self._respond(services.contract_terminate(contract=self.get_object(), actor=request.user, reason=data["reason"]))

    @extend_schema(request={"multipart/form-data": s.ImportSerializer}, responses={200: s.ImportResultSerializer, **ERRORS},
                   summary="Import contracts of your region from a file (all rows or none; errors with line numbers)")
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_file(self, request):
        data = _payload(s.ImportSerializer, request)
        result = services.procurement_import(source=data["file"], actor=request.user)
        return Response(s.ImportResultSerializer(result).data)


@extend_schema_view(
    list=extend_schema(summary="Contract lines you may see, with their progress"),
    retrieve=extend_schema(summary="One contract line", responses={200: s.ContractLineSerializer, 404: ErrorSerializer}),
)
class ContractLineViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ReadOnlyModelViewSet):
    """Lines: one item for one school — quantity, unit price, delivery deadline, warranty, licensed software."""

    permission_actions = {"claim_penalty": (PenaltyClaim, "add")}
    serializer_class = s.ContractLineSerializer
    filterset_class = LineFilterSet
    ordering_fields = ["delivery_due", "unit_price"]
    lookup_value_regex = ID_REGEX
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.line_list(user=self.request.user)

    def _respond(self, line, code=status.HTTP_200_OK):
        return Response(s.ContractLineSerializer(self.get_queryset().get(pk=line.pk)).data, status=code)

    def _input(self, data, *, item_code, school):
        return services.LineInput(item_code=item_code, item_name=data["item_name"], school=school, quantity=data["quantity"],
                                  unit_price=data["unit_price"], delivery_due=data["delivery_due"],
                                  warranty_months=data["warranty_months"], software=data["software"])

    @extend_schema(request=s.LineCreateSerializer, responses={201: s.ContractLineSerializer, **ERRORS}, summary="Add a line")
    def create(self, request, *args, **kwargs):
        from schools.models import School

        data = _payload(s.LineCreateSerializer, request)
        contract = _scoped(selectors.contract_list(user=request.user), data["contract"], "contract")
        school = _scoped(School.objects.visible_to(request.user), data["school"], "school")
        line = services.line_add(contract=contract, data=self._input(data, item_code=data["item_code"], school=school), actor=request.user)
        return self._respond(line, status.HTTP_201_CREATED)

    @extend_schema(request=s.LineWriteSerializer, responses={200: s.ContractLineSerializer, **ERRORS},
                   summary="Change a line (not below the units already delivered)")
    def update(self, request, *args, **kwargs):
        line = self.get_object()
        data = _payload(s.LineWriteSerializer, request)
        line = services.line_update(line=line, data=self._input(data, item_code=line.item_code, school=line.school), actor=request.user)
        return self._respond(line)

    @extend_schema(responses={204: None, **ERRORS}, summary="Remove a line that has no units")
    def destroy(self, request, *args, **kwargs):
        services.line_remove(line=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action_schema(None, s.PenaltyClaimSerializer, "Claim the line's late-delivery penalty (once final)")
    @action(detail=True, methods=["post"], url_path="claim-penalty")
    def claim_penalty(self, request, pk=None):
        claim = services.penalty_claim(line=self.get_object(), actor=request.user)
        return Response(s.PenaltyClaimSerializer(claim).data)

    @extend_schema(summary="Overdue lines: past their deadline with units not accepted, with the penalty so far",
                   responses={200: s.LatenessLineSerializer(many=True), **ERRORS})
    @action(detail=False, methods=["get"], filter_backends=[])  # paginated; neither filtered nor ordered
    def overdue(self, request):
        lines = selectors.overdue_lines(user=request.user)
        page = self.paginate_queryset(lines)
        return self.get_paginated_response(s.LatenessLineSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Deliveries you may see"),
    retrieve=extend_schema(summary="One delivery with its units", responses={200: s.DeliverySerializer, 404: ErrorSerializer}),
)
class DeliveryViewSet(mixins.CreateModelMixin, ReadOnlyModelViewSet):
    """Deliveries: the serial number of every unit; the supplier checked against the register on the delivery day."""

    serializer_class = s.DeliverySerializer
    filterset_class = DeliveryFilterSet
    ordering_fields = ["delivered_on", "recorded_at"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.delivery_list(user=self.request.user)

    def _respond(self, delivery, code=status.HTTP_200_OK):
        delivery = self.get_queryset().get(pk=delivery.pk)
        return Response(s.DeliverySerializer(delivery, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.DeliveryCreateSerializer, responses={201: s.DeliverySerializer, **ERRORS},
                   summary="Record a delivery to a school (the school itself, or the region's department)")
    def create(self, request, *args, **kwargs):
        from schools.models import School

        data = _payload(s.DeliveryCreateSerializer, request)
        contract = _scoped(selectors.contract_list(user=request.user), data["contract"], "contract")
        school = _scoped(School.objects.visible_to(request.user), data["school"], "school")
        lines = {line.pk: line for line in ContractLine.objects.visible_to(request.user).filter(contract=contract, school=school)}
        units = []
        for unit in data["units"]:
            line = lines.get(unit["line"])
            if line is None:
                raise DomainError(_("A unit's line is not a line of this contract for this school."), field="units", code="bad_line")
            units.append(services.UnitInput(line=line, serial_number=unit["serial_number"], invoice_unit_price=unit["invoice_unit_price"]))
        delivery = services.delivery_record(contract=contract, school=school, delivered_on=data["delivered_on"], units=units,
                                            waybill_number=data["waybill_number"], note=data["note"], actor=request.user)
        return self._respond(delivery, status.HTTP_201_CREATED)

    @action_schema(s.DeliveryCorrectSerializer, s.DeliverySerializer, "Correct the delivery date or waybill number (reason required)")
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        data = _payload(s.DeliveryCorrectSerializer, request)
        delivery = services.delivery_correct(delivery=self.get_object(), actor=request.user, reason=data["reason"],
                                             delivered_on=data["delivered_on"], waybill_number=data["waybill_number"])
        return self._respond(delivery)

    @extend_schema(summary="The acceptance act (PDF): every unit, its inspection, and the responsible person",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, 401: ErrorSerializer, 403: ErrorSerializer,
                              404: ErrorSerializer})
    @action(detail=True, methods=["get"], url_path="acceptance-act", content_negotiation_class=FirstRendererNegotiation,
            filter_backends=[])
    def acceptance_act(self, request, pk=None):
        delivery = self.get_object()
        response = HttpResponse(acceptance_act_pdf(delivery), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="acceptance-act-{delivery.pk}.pdf"'
        return response


@extend_schema_view(
    list=extend_schema(summary="Delivered units you may see (filter by serial number)"),
    retrieve=extend_schema(summary="One delivered unit", responses={200: s.DeliveryUnitSerializer, 404: ErrorSerializer}),
)
class DeliveryUnitViewSet(ReadOnlyModelViewSet):
    """Units: the receiving school inspects each against the checklist, then accepts or rejects it."""

    serializer_class = s.DeliveryUnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["decided_at", "serial_number"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user).order_by("delivery_id", "id")

    def _respond(self, unit):
        return Response(s.DeliveryUnitSerializer(self.get_queryset().get(pk=unit.pk), context=self.get_serializer_context()).data)

    @action_schema(s.InspectSerializer, s.DeliveryUnitSerializer, "Record the inspection against the checklist")
    @action(detail=True, methods=["post"])
    def inspect(self, request, pk=None):
        data = _payload(s.InspectSerializer, request)
        return self._respond(services.unit_inspect(unit=self.get_object(), actor=request.user, **data))

    @action_schema(s.AcceptSerializer, s.DeliveryUnitSerializer, "Accept an inspected unit that passed every item; you answer for it")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        _payload(s.AcceptSerializer, request)
        return self._respond(services.unit_accept(unit=self.get_object(), actor=request.user))

    @action_schema(s.RejectSerializer, s.DeliveryUnitSerializer, "Reject an inspected unit with a reason")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = _payload(s.RejectSerializer, request)
        return self._respond(services.unit_reject(unit=self.get_object(), actor=request.user, reason=data["reason"], note=data["note"]))


@extend_schema_view(
    list=extend_schema(summary="Penalty claims you may see"),
    retrieve=extend_schema(summary="One penalty claim", responses={200: s.PenaltyClaimSerializer, 404: ErrorSerializer}),
)
class PenaltyClaimViewSet(ReadOnlyModelViewSet):
    """Late-delivery penalties claimed from suppliers (claim them at procurement-contract-lines/{id}/claim-penalty/)."""

    serializer_class = s.PenaltyClaimSerializer
    filterset_class = PenaltyFilterSet
    ordering_fields = ["claimed_at", "amount", "late_units", "unit_days", "status"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.penalty_list(user=self.request.user)

    @action_schema(s.PaidSerializer, s.PenaltyClaimSerializer, "The supplier paid the penalty")
    @action(detail=True, methods=["post"], url_path="mark-paid")
    def mark_paid(self, request, pk=None):
        data = _payload(s.PaidSerializer, request)
        claim = services.penalty_mark_paid(claim=self.get_object(), actor=request.user, paid_on=data["paid_on"])
        return Response(s.PenaltyClaimSerializer(claim).data)

    @action_schema(ReasonSerializer, s.PenaltyClaimSerializer, "Cancel the claim (reason required; the late line is flagged again)")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = _payload(ReasonSerializer, request)
        return Response(s.PenaltyClaimSerializer(services.penalty_cancel(claim=self.get_object(), actor=request.user,
                                                                         reason=data["reason"])).data)


@extend_schema_view(
    list=extend_schema(summary="Warranty claims you may see"),
    retrieve=extend_schema(summary="One warranty claim", responses={200: s.WarrantyClaimSerializer, 404: ErrorSerializer}),
)
class WarrantyClaimViewSet(mixins.CreateModelMixin, ReadOnlyModelViewSet):
    """Warranty claims on accepted units; the supplier's answer is due within the configured working days."""

    permission_actions = {"create": "file"}
    serializer_class = s.WarrantyClaimSerializer
    filterset_class = ClaimFilterSet
    ordering_fields = ["filed_on", "response_due_on", "status"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.claim_list(user=self.request.user)

    def _respond(self, claim, code=status.HTTP_200_OK):
        claim = self.get_queryset().get(pk=claim.pk)
        return Response(s.WarrantyClaimSerializer(claim, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.ClaimCreateSerializer, responses={201: s.WarrantyClaimSerializer, **ERRORS},
                   summary="File a claim on a unit your school accepted (by serial number)")
    def create(self, request, *args, **kwargs):
        data = _payload(s.ClaimCreateSerializer, request)
        serial = "".join(data["serial_number"].split()).upper()
        unit = (selectors.unit_list(user=request.user).filter(serial_number=serial, status=UnitStatus.ACCEPTED)
                .order_by("-decided_at").first())
        if unit is None:
            raise DomainError(_("No unit accepted by your school has this serial number."), field="serial_number", code="no_unit")
        return self._respond(services.claim_file(unit=unit, actor=request.user, description=data["description"]), status.HTTP_201_CREATED)

    @action_schema(s.AnswerSerializer, s.WarrantyClaimSerializer, "Record the supplier's answer")
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = _payload(s.AnswerSerializer, request)
        return self._respond(services.claim_answer(claim=self.get_object(), actor=request.user, response=data["response"],
                                                   answered_on=data["answered_on"]))

    @action_schema(s.CloseClaimSerializer, s.WarrantyClaimSerializer, "Close the claim with its outcome")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = _payload(s.CloseClaimSerializer, request)
        return self._respond(services.claim_close(claim=self.get_object(), actor=request.user, resolution=data["resolution"],
                                                  note=data["note"]))


@extend_schema_view(
    list=extend_schema(summary="Red flags (operators, monitors and administrators)"),
    retrieve=extend_schema(summary="One red flag with its evidence", responses={200: s.FlagSerializer, 404: ErrorSerializer}),
)
class ProcurementFlagViewSet(ReadOnlyModelViewSet):
    """Red flags PR01–PR08: a stable id, a code, a key and the evidence of the latest search."""

    permission_actions = {"search": (FlagRun, "search")}
    serializer_class = s.FlagSerializer
    filterset_class = FlagFilterSet
    ordering_fields = ["first_raised_at", "last_seen_at", "code", "status"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.flag_list(user=self.request.user)

    @extend_schema(request=None, responses={200: s.FlagRunSerializer, **ERRORS},
                   parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, required=False, description="Judge as of this day")],
                   summary="Search the red flags now (operators)")
    @action(detail=False, methods=["post"], filterset_class=None)
    def search(self, request):
        from core.parsing import parse_date

        value = request.query_params.get("as_of", "")
        try:
            as_of = parse_date(value, required=False)
        except ValueError as exc:
            raise DomainError(str(exc), field="as_of") from None
        return Response(s.FlagRunSerializer(services.flags_search(actor=request.user, as_of=as_of)).data)
