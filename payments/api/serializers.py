from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acts import selectors as act_selectors
from acts.api.serializers import IdField, MonthField, ScopedPrimaryKeyField
from core.uploads import TableFileSerializerField
from payments import selectors
from payments.choices import ConfirmationStatus, PaymentStatus, RecoveryStatus, ReportStatus
from payments.models import BankConfirmation, FinalReport, Payment, PaymentRegistry, Recovery
from payments.permissions import payment_actions
from signatures.api.serializers import OptionalCmsField

MAX_LINES = 5000


# --- payments -------------------------------------------------------------------------------


class RecoveryOffsetBriefSerializer(serializers.Serializer):
    recovery = serializers.IntegerField(source="recovery_id")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class PaymentSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    act_number = serializers.CharField(source="act.number", read_only=True)
    month = MonthField(source="act.month", read_only=True)
    prepared_by = serializers.CharField(source="prepared_by.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, default=None, allow_null=True)
    registry = serializers.CharField(source="registry.number", read_only=True, default=None, allow_null=True)
    offsets = RecoveryOffsetBriefSerializer(many=True, read_only=True)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    actions = serializers.SerializerMethodField(
        help_text=_("The actions you may take now (POST …/payments/{id}/<action>/)."))

    class Meta:
        model = Payment
        fields = ["id", "reference", "act", "act_number", "month", "status", "accepted_amount", "offset_amount",
                  "amount", "offsets", "payee_bin", "payee_name", "payee_iban", "purpose", "prepared_by", "prepared_at",
                  "approved_by", "approved_at", "registry", "bank_reference", "paid_on", "status_reason", "reissue_of",
                  "actions"]
        read_only_fields = fields

    # The names are those of the action endpoints (``payments.permissions.payment_actions``).
    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=["approve", "cancel", "reissue"])))
    def get_actions(self, payment) -> list[str]:
        request = self.context.get("request")
        return sorted(payment_actions(payment, getattr(request, "user", None)))


class PaymentPrepareSerializer(serializers.Serializer):
    # Any act the operator may see: an act that already has a payment, or is not accepted, is then a 409
    # from the service (``payment_exists``, ``act_not_payable``), never an "invalid pk".
    act = ScopedPrimaryKeyField(selector=act_selectors.act_list, help_text=_("an accepted act without a payment"))
    cms = OptionalCmsField()


class RegistrySerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = PaymentRegistry
        fields = ["id", "number", "created_at", "created_by", "payment_count", "total_amount"]
        read_only_fields = fields


class RegistryCreateSerializer(serializers.Serializer):
    payments = serializers.ListField(child=IdField(), required=False, max_length=MAX_LINES,
                                     help_text=_("ids of approved payments (default: all waiting)"))


class ExportFormatSerializer(serializers.Serializer):
    file_format = serializers.ChoiceField(choices=["csv", "xlsx"], default="csv")


class BankConfirmationSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    applied_by = serializers.CharField(source="applied_by.username", read_only=True, default=None, allow_null=True)
    status = serializers.ChoiceField(choices=ConfirmationStatus.choices, read_only=True)

    class Meta:
        model = BankConfirmation
        fields = ["id", "file_name", "sha256", "status", "row_count", "paid_count", "failed_count", "uploaded_by",
                  "uploaded_at", "applied_by", "applied_at"]
        read_only_fields = fields


class BankConfirmationUploadSerializer(serializers.Serializer):
    file = TableFileSerializerField(help_text=_("CSV or XLSX: payment_reference,status,amount,bank_reference,date[,message]"))
    apply = serializers.BooleanField(default=False, help_text=_("apply at once (otherwise only checked)"))


class ConfirmationRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    payment_reference = serializers.CharField(source="payment.reference")
    status = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    bank_reference = serializers.CharField()
    date = serializers.DateField()
    message = serializers.CharField()


class BankConfirmationPreviewSerializer(serializers.Serializer):
    confirmation = BankConfirmationSerializer()
    rows = ConfirmationRowSerializer(many=True)


# --- recoveries, reports, deadlines ----------------------------------------------------------


class RecoverySerializer(serializers.ModelSerializer):
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    month = MonthField(source="line.act.month", read_only=True)
    iin = serializers.CharField(source="line.iin", read_only=True)
    finding_code = serializers.CharField(source="finding.code", read_only=True)
    status = serializers.ChoiceField(choices=RecoveryStatus.choices, read_only=True)

    class Meta:
        model = Recovery
        fields = ["id", "contract", "contract_number", "line", "month", "iin", "finding", "finding_code", "amount",
                  "status", "detected_by_run", "created_at", "status_reason", "cancelled_at"]
        read_only_fields = fields


class FinalReportListSerializer(serializers.ModelSerializer):
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    status = serializers.ChoiceField(choices=ReportStatus.choices, read_only=True)

    class Meta:
        model = FinalReport
        fields = ["id", "contract", "contract_number", "school_year", "status", "figures_sha256", "created_at",
                  "approved_at"]
        read_only_fields = fields


class FinalReportSerializer(serializers.ModelSerializer):
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    status = serializers.ChoiceField(choices=ReportStatus.choices, read_only=True)
    figures = serializers.SerializerMethodField(help_text=_("live until approved, then frozen"))

    class Meta:
        model = FinalReport
        fields = ["id", "contract", "contract_number", "school_year", "status", "figures", "figures_sha256",
                  "created_at", "approved_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_figures(self, report):
        from payments.reports import report_figures

        return report.figures if report.figures else report_figures(report.contract)


class FinalReportCreateSerializer(serializers.Serializer):
    contract = ScopedPrimaryKeyField(selector=selectors.contracts_without_report)
