from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programmes.choices import InstrumentCode, Proration
from programmes.models import Programme
from programmes.services import MAX_NORM, NormInput, ProgrammeInput, TermInput
from programmes.transitions import available_actions
from schools.choices import ProviderKind

KEY_REGEX = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$"


class NormSerializer(serializers.Serializer):
    key = serializers.RegexField(KEY_REGEX, max_length=20, help_text=_("the norm category (grants: the specialty group)"))
    label_kk = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    label_ru = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    label_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal(0), max_value=MAX_NORM,
                                      help_text=_("the default norm per period (month or term), KZT"))


class TermSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    start = serializers.DateField()
    end = serializers.DateField()


class ProgrammeSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True, allow_null=True)
    norms = NormSerializer(many=True, read_only=True)
    terms = TermSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(help_text=_("The actions you may take now (POST …/{id}/<action>/)."))

    class Meta:
        model = Programme
        fields = ["id", "code", "name_kk", "name_ru", "name_en", "instrument", "region", "status", "unit", "period",
                  "proration", "provider_kind", "beneficiary_kind", "finding_codes", "norms", "terms", "actions",
                  "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return available_actions(programme=obj, user=getattr(request, "user", None))


class ProgrammeWriteSerializer(serializers.Serializer):
    code = serializers.RegexField(KEY_REGEX, max_length=20)
    name_kk = serializers.CharField(max_length=300)
    name_ru = serializers.CharField(max_length=300)
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    instrument = serializers.ChoiceField(choices=InstrumentCode.choices)
    proration = serializers.ChoiceField(choices=Proration.choices, required=False, allow_blank=True, default="",
                                        help_text=_("empty: the instrument's default"))
    provider_kind = serializers.ChoiceField(choices=ProviderKind.choices, required=False, allow_blank=True, default="")
    norms = NormSerializer(many=True, max_length=100)
    terms = TermSerializer(many=True, required=False, default=list, max_length=20)
    finding_codes = serializers.ListField(child=serializers.RegexField(r"^[A-Z][0-9]{2}$", max_length=3), required=False,
                                          allow_null=True, default=None, max_length=30)

    def to_input(self) -> ProgrammeInput:
        data = dict(self.validated_data)
        norms = [NormInput(**row) for row in data.pop("norms")]
        terms = [TermInput(**row) for row in data.pop("terms")]
        return ProgrammeInput(norms=norms, terms=terms, **data)
