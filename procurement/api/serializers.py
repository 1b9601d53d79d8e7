from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from procurement.actions import available, contract_actions, unit_actions
from procurement.choices import ClaimResolution, RejectReason
from procurement.filters import MAX_ID
from procurement.models import (
    MAX_WARRANTY_MONTHS,
    ContractLine,
    Delivery,
    DeliveryUnit,
    FlagRun,
    PenaltyClaim,
    ProcurementContract,
    ProcurementFlag,
    WarrantyClaim,
)
from procurement.services import ContractInput
from procurement.services.contracts import MAX_PRICE, MAX_QUANTITY

MONEY = {"max_digits": 16, "decimal_places": 2}


def id_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class ProcurementSchoolSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    bin = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- contracts and lines -----------------------------------------------------------------------------

class ContractLineSerializer(serializers.ModelSerializer):
    school = ProcurementSchoolSerializer(read_only=True)
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    accepted_count = serializers.IntegerField(read_only=True, required=False, help_text=_("Units accepted."))
    pending_count = serializers.IntegerField(read_only=True, required=False, help_text=_("Units delivered, not decided."))
    rejected_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = ContractLine
        fields = ["id", "contract", "contract_number", "item_code", "item_name", "school", "quantity", "unit_price", "delivery_due",
                  "warranty_months", "software", "accepted_count", "pending_count", "rejected_count", "created_at", "updated_at"]
        read_only_fields = fields


class LatenessLineSerializer(ContractLineSerializer):
    """A line with the penalty rule's figures as of a day (the overdue list)."""

    effective_as_of = serializers.DateField(read_only=True)
    days_late = serializers.IntegerField(read_only=True)
    late_units = serializers.IntegerField(read_only=True)
    unit_days = serializers.IntegerField(read_only=True)
    outstanding = serializers.IntegerField(read_only=True)
    penalty = serializers.DecimalField(read_only=True, **MONEY)
    penalty_final = serializers.BooleanField(read_only=True)

    class Meta(ContractLineSerializer.Meta):
        fields = [*ContractLineSerializer.Meta.fields, "effective_as_of", "days_late", "late_units", "unit_days", "outstanding",
                  "penalty", "penalty_final"]
        read_only_fields = fields


class ProcurementContractSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    lines = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text=_("What you may do now."))

    class Meta:
        model = ProcurementContract
        fields = ["id", "number", "region", "signed_on", "supplier_bin", "supplier_name", "status", "status_reason", "ended_on",
                  "lines", "actions", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(ContractLineSerializer(many=True))
    def get_lines(self, obj):
        from procurement.selectors import lines_with_progress

        lines = lines_with_progress(ContractLine.objects.visible_to(_user(self)).filter(contract=obj).select_related("school", "contract"))
        return ContractLineSerializer(lines.order_by("school_id", "item_code"), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj) -> list[str]:
        return sorted(contract_actions(obj, _user(self)))


class ContractWriteSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=60)
    signed_on = serializers.DateField()
    supplier_bin = serializers.CharField(max_length=12)
    supplier_name = serializers.CharField(max_length=300)

    def to_input(self) -> ContractInput:
        return ContractInput(**self.validated_data)


class LineWriteSerializer(serializers.Serializer):
    item_name = serializers.CharField(max_length=300)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    unit_price = serializers.DecimalField(min_value=Decimal("0.01"), max_value=MAX_PRICE, **MONEY)
    delivery_due = serializers.DateField()
    warranty_months = serializers.IntegerField(min_value=0, max_value=MAX_WARRANTY_MONTHS)
    software = serializers.ListField(child=serializers.CharField(max_length=200), max_length=50, required=False, default=list)


class LineCreateSerializer(LineWriteSerializer):
    contract = id_field()
    item_code = serializers.CharField(max_length=40)
    school = id_field(help_text=_("The school's id"))


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV (UTF-8) or XLSX in the procurement file format"))


class ImportResultSerializer(serializers.Serializer):
    sha256 = serializers.CharField()
    rows = serializers.IntegerField()
    contracts_new = serializers.IntegerField()
    contracts_changed = serializers.IntegerField()
    lines_new = serializers.IntegerField()
    lines_changed = serializers.IntegerField()
    lines_unchanged = serializers.IntegerField()
    contract_ids = serializers.ListField(child=serializers.IntegerField())


# --- deliveries and units ------------------------------------------------------------------------------

class DeliveryUnitSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="line.item_code", read_only=True)
    school = serializers.IntegerField(source="delivery.school_id", read_only=True)
    inspected_by = serializers.CharField(source="inspected_by.__str__", read_only=True, default=None)
    # "" until the unit is rejected; declared here, as a read-only model field loses allow_blank and its schema refuses ""
    reject_reason = serializers.ChoiceField(choices=RejectReason.choices, allow_blank=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = DeliveryUnit
        fields = ["id", "delivery", "line", "item_code", "school", "serial_number", "invoice_unit_price", "replaces", "status",
                  "model_ok", "works", "software_ok", "warranty_card", "inspection_note", "inspected_by", "inspected_at",
                  "decided_by_name", "decided_at", "reject_reason", "reject_note", "actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj) -> list[str]:
        return sorted(unit_actions(obj, _user(self)))  # the names of the action endpoints


class DeliverySerializer(serializers.ModelSerializer):
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    school = ProcurementSchoolSerializer(read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.__str__", read_only=True)
    units = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = ["id", "contract", "contract_number", "school", "delivered_on", "waybill_number", "note", "supplier_listed",
                  "supplier_check", "recorded_by", "recorded_at", "units"]
        read_only_fields = fields

    @extend_schema_field(DeliveryUnitSerializer(many=True))
    def get_units(self, obj):
        units = obj.units.select_related("line", "delivery", "inspected_by").order_by("line__item_code", "id")
        return DeliveryUnitSerializer(units, many=True, context=self.context).data


class UnitInputSerializer(serializers.Serializer):
    line = id_field()
    serial_number = serializers.CharField(max_length=100)
    invoice_unit_price = serializers.DecimalField(min_value=Decimal("0.01"), max_value=MAX_PRICE, required=False, allow_null=True,
                                                  default=None, **MONEY)


class DeliveryCreateSerializer(serializers.Serializer):
    contract = id_field()
    school = id_field()
    delivered_on = serializers.DateField()
    waybill_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    units = UnitInputSerializer(many=True, min_length=1, max_length=5000)


class DeliveryCorrectSerializer(serializers.Serializer):
    delivered_on = serializers.DateField(required=False, allow_null=True, default=None)
    waybill_number = serializers.CharField(max_length=60, required=False, allow_null=True, allow_blank=True, default=None)
    reason = serializers.CharField(max_length=2000)


class InspectSerializer(serializers.Serializer):
    model_ok = serializers.BooleanField()
    works = serializers.BooleanField()
    software_ok = serializers.BooleanField()
    warranty_card = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AcceptSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(help_text=_("true: I inspected this unit myself and answer for its acceptance"))

    def validate_confirm(self, value):
        if value is not True:
            raise serializers.ValidationError(_("Confirm that you inspected the unit and answer for its acceptance."))
        return value


class RejectSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RejectReason.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- penalties, warranty claims, flags ------------------------------------------------------------------

class PenaltyClaimSerializer(serializers.ModelSerializer):
    contract = serializers.IntegerField(source="line.contract_id", read_only=True)
    item_code = serializers.CharField(source="line.item_code", read_only=True)
    school = serializers.IntegerField(source="line.school_id", read_only=True)
    claimed_by = serializers.CharField(source="claimed_by.__str__", read_only=True)

    class Meta:
        model = PenaltyClaim
        fields = ["id", "line", "contract", "item_code", "school", "as_of", "late_units", "unit_days", "amount", "status",
                  "claimed_by", "claimed_at", "paid_on", "reason"]
        read_only_fields = fields


class PaidSerializer(serializers.Serializer):
    paid_on = serializers.DateField()


class WarrantyClaimSerializer(serializers.ModelSerializer):
    serial_number = serializers.CharField(source="unit.serial_number", read_only=True)
    school = serializers.IntegerField(source="unit.delivery.school_id", read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = WarrantyClaim
        fields = ["id", "unit", "serial_number", "school", "filed_on", "description", "response_due_on", "status", "answered_on",
                  "response", "resolution", "resolution_note", "actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj) -> list[str]:
        return sorted(available(obj=obj, user=_user(self)))  # the names of the action endpoints


class ClaimCreateSerializer(serializers.Serializer):
    serial_number = serializers.CharField(max_length=100, help_text=_("A unit your school accepted"))
    description = serializers.CharField(max_length=2000)


class AnswerSerializer(serializers.Serializer):
    answered_on = serializers.DateField()
    response = serializers.CharField(max_length=2000)


class CloseClaimSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=ClaimResolution.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class FlagSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True, allow_null=True)
    label = serializers.CharField(source="get_code_display", read_only=True)

    class Meta:
        model = ProcurementFlag
        fields = ["id", "code", "label", "key", "status", "region", "contract", "school", "summary", "evidence", "first_raised_at",
                  "last_seen_at", "cleared_at", "last_run"]
        read_only_fields = fields


class FlagRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = FlagRun
        fields = ["id", "as_of", "started_at", "finished_at", "counts", "settings_used"]
        read_only_fields = fields
