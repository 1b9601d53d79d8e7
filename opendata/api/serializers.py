"""Serializers of the open API: the public tables as they are, figures over pupils as a number or ``<5``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from opendata import models as public
from opendata.privacy import SMALL_TEXT, WITHHELD_TEXT, public_value

FIGURE_SCHEMA = {"oneOf": [{"type": "number"}, {"type": "string", "enum": [SMALL_TEXT, WITHHELD_TEXT]}], "nullable": True,
                 "description": "The figure; \"<5\" when it is an aggregate over fewer than 5 pupils; \"x\" when it is "
                                "withheld so that such a figure cannot be worked out from the totals."}


@extend_schema_field(FIGURE_SCHEMA)
class FigureField(serializers.Field):
    """A figure over pupils: its value, ``<5`` or ``x`` (the value is not stored then)."""

    def __init__(self, field: str, **kwargs):
        self.value_field = field
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj):
        value = public_value(getattr(obj, self.value_field), getattr(obj, f"{self.value_field}_mark"))
        return value if value is None or isinstance(value, (str, int)) else str(value)


class SchoolRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = public.PublicSchool
        fields = ["bin", "name_kk", "name_ru"]


class LicenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = public.PublicLicence
        fields = ["number", "issued_on", "levels", "status"]


class SchoolSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")

    class Meta:
        model = public.PublicSchool
        fields = ["bin", "name_kk", "name_ru", "region", "kato", "address", "oked", "capacity", "status"]


class ContingentSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", allow_null=True)
    school = serializers.CharField(source="school.bin", allow_null=True, default=None)
    pupils = FigureField("pupils")

    class Meta:
        model = public.ContingentFigure
        fields = ["grain", "region", "school", "level", "pupils"]


class FindingSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", allow_null=True)
    school = serializers.CharField(source="school.bin", allow_null=True, default=None)
    count = FigureField("count")

    class Meta:
        model = public.FindingFigure
        fields = ["grain", "region", "school", "code", "count"]


class SchoolDetailSerializer(SchoolSerializer):
    licences = LicenceSerializer(many=True, read_only=True)
    contingent = ContingentSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta(SchoolSerializer.Meta):
        fields = [*SchoolSerializer.Meta.fields, "licences", "contingent", "findings"]


class OrderLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = public.PublicOrderLevel
        fields = ["level", "places", "approved_places", "monthly_norm"]


class OrderSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    title = serializers.CharField(source="localized_title", read_only=True,
                                  help_text="The title in the language of the request (Accept-Language), the Kazakh one when "
                                            "that language's is not given.")
    title_kk = serializers.CharField(source="title", read_only=True)
    levels = OrderLevelSerializer(many=True, read_only=True)

    class Meta:
        model = public.PublicOrder
        fields = ["id", "region", "school_year", "programme_code", "title", "title_kk", "title_ru", "title_en", "status",
                  "budget", "committed_amount",
                  "places", "approved_places", "sen_coefficient", "applications_open_at", "applications_close_at",
                  "service_start", "service_end", "published_at", "levels"]


class ApplicationLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = public.PublicApplicationLevel
        fields = ["level", "requested_places", "approved_places"]


class QueueEntrySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    school = SchoolRefSerializer(read_only=True)
    levels = ApplicationLevelSerializer(many=True, read_only=True)

    class Meta:
        model = public.PublicApplication
        fields = ["id", "order", "region", "position", "school", "status", "submitted_at", "decided_at", "levels"]


class ContractLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = public.PublicContractLevel
        fields = ["level", "places", "monthly_norm"]


class ContractSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    school = SchoolRefSerializer(read_only=True)
    levels = ContractLevelSerializer(many=True, read_only=True)

    class Meta:
        model = public.PublicContract
        fields = ["number", "order", "application", "region", "school", "school_year", "status", "period_start",
                  "period_end", "months", "places", "total_amount", "signed_at", "levels"]


class MonthlySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", allow_null=True)
    school = serializers.CharField(source="school.bin", allow_null=True, default=None)
    contract = serializers.CharField(source="contract.number", allow_null=True, default=None)
    accepted = FigureField("accepted")
    paid = FigureField("paid")
    recovered = FigureField("recovered")

    class Meta:
        model = public.MonthlyFigure
        fields = ["grain", "region", "school", "contract", "month", "school_year", "accepted", "paid", "recovered"]


class PaymentSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    school = serializers.CharField(source="school.bin")
    contract = serializers.CharField(source="contract.number")
    amount = FigureField("amount")

    class Meta:
        model = public.PublicPayment
        fields = ["reference", "contract", "region", "school", "month", "paid_on", "amount"]


class BulkFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = public.BulkFile
        fields = ["table", "fmt", "name", "rows", "size", "sha256", "written_at", "url"]

    def get_url(self, obj) -> str:
        from django.urls import reverse

        request = self.context.get("request")
        path = reverse("open-api:file", kwargs={"name": obj.name})
        return request.build_absolute_uri(path) if request else path


class ProcurementFigureSerializer(serializers.ModelSerializer):
    """Equipment bought for schools (procurement oversight): no personal data, no small-numbers rule (no pupils)."""

    region = serializers.CharField(source="region_id", allow_null=True)

    class Meta:
        model = public.ProcurementFigure
        fields = ["grain", "region", "contracts", "units", "amount", "units_on_time", "units_accepted_late", "units_late",
                  "penalty_due", "penalties_claimed", "penalties_paid"]


class AuditHeadSerializer(serializers.ModelSerializer):
    sealed = serializers.BooleanField(read_only=True)

    class Meta:
        model = public.PublicAuditHead
        fields = ["day", "seq", "hash", "published_at", "statement", "sealed", "tsa_url", "tsa_time", "tsa_serial", "tsa_token"]
