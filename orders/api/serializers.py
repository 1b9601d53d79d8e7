from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.filters import MAX_ID
from orders.amounts import levels_total
from orders.choices import level_sort_key
from orders.models import Application, Contract, StateOrder
from orders.services import LevelInput, OrderInput
from orders.services.state_orders import MAX_NORM, MAX_PLACES
from orders.transitions import APPLICATION_TRANSITIONS, CONTRACT_TRANSITIONS, ORDER_TRANSITIONS, available_actions
from signatures.api.serializers import OptionalCmsField

MAX_CATEGORIES = 50


def CATEGORY_FIELD():  # noqa: N802 - a field factory, read like a field class
    return serializers.RegexField(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$", max_length=20,
                                  help_text=_("a norm category of the programme (schools: primary, basic, general)"))


def _sorted_levels(rows):
    return sorted(rows, key=lambda row: level_sort_key(row.level))


class SchoolBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    bin = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ActionsMixin(serializers.Serializer):
    transitions: dict = {}
    actions = serializers.SerializerMethodField(help_text=_("The actions you may take now (POST …/{id}/<action>/)."))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        names = available_actions(obj=obj, transitions=self.transitions, user=getattr(request, "user", None))
        # The two signing transitions are one API action, "sign".
        return sorted({"sign" if name.startswith("sign_") else name for name in names})


# --- state orders ------------------------------------------------------------------------

class StateOrderLevelSerializer(serializers.Serializer):
    level = serializers.CharField(read_only=True, help_text=_("the programme's norm category (schools: the level)"))
    places = serializers.IntegerField(read_only=True)
    monthly_norm = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    approved_places = serializers.IntegerField(read_only=True)
    remaining_places = serializers.IntegerField(read_only=True)


class StateOrderSerializer(ActionsMixin, serializers.ModelSerializer):
    transitions = ORDER_TRANSITIONS
    region = serializers.CharField(source="region_id", read_only=True)
    programme = serializers.IntegerField(source="programme_id", read_only=True)
    programme_key = serializers.CharField(source="programme.code", read_only=True, help_text=_("the funding programme's code"))
    instrument = serializers.CharField(source="programme.instrument", read_only=True)
    levels = serializers.SerializerMethodField()
    remaining_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = StateOrder
        fields = ["id", "region", "programme", "programme_key", "instrument", "school_year", "programme_code", "title",
                  "status", "budget", "committed_amount",
                  "remaining_amount", "sen_coefficient", "applications_open_at", "applications_close_at",
                  "service_start", "service_end", "levels", "actions", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(StateOrderLevelSerializer(many=True))
    def get_levels(self, obj):
        return StateOrderLevelSerializer(_sorted_levels(obj.levels.all()), many=True).data


class StateOrderLevelInputSerializer(serializers.Serializer):
    level = CATEGORY_FIELD()
    places = serializers.IntegerField(min_value=0, max_value=MAX_PLACES)
    monthly_norm = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal(0), max_value=MAX_NORM)


class StateOrderWriteSerializer(serializers.Serializer):
    programme = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                         help_text=_("the funding programme (default: the national state educational order)"))
    school_year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("2025 means 2025–2026"))
    programme_code = serializers.CharField(max_length=20)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    budget = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal(0))
    sen_coefficient = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal(1),
                                               max_value=Decimal(10), required=False, default=Decimal("1.00"))
    applications_open_at = serializers.DateTimeField()
    applications_close_at = serializers.DateTimeField()
    service_start = serializers.DateField()
    service_end = serializers.DateField()
    levels = StateOrderLevelInputSerializer(many=True, min_length=1, max_length=MAX_CATEGORIES)

    def validate_levels(self, value):
        names = [row["level"] for row in value]
        if len(names) != len(set(names)):
            raise serializers.ValidationError(_("Each level may appear once."))
        return value

    def to_input(self, *, user=None) -> OrderInput:
        data = dict(self.validated_data)
        levels = {row["level"]: LevelInput(places=row["places"], monthly_norm=row["monthly_norm"]) for row in data.pop("levels")}
        programme_id = data.pop("programme", None)
        programme = None
        if programme_id is not None:
            from programmes.selectors import programme_list

            programme = programme_list(user=user).filter(pk=programme_id).first()
            if programme is None:
                raise serializers.ValidationError({"programme": [_("No such programme.")]})
        return OrderInput(levels=levels, programme=programme, **data)


# --- applications ------------------------------------------------------------------------

class ApplicationLevelSerializer(serializers.Serializer):
    level = serializers.CharField(read_only=True, help_text=_("the programme's norm category (schools: the level)"))
    requested_places = serializers.IntegerField(read_only=True)
    approved_places = serializers.IntegerField(read_only=True, allow_null=True)


class ApplicationSerializer(ActionsMixin, serializers.ModelSerializer):
    transitions = APPLICATION_TRANSITIONS
    school = SchoolBriefSerializer(read_only=True)
    levels = serializers.SerializerMethodField()
    contract = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "order", "school", "status", "submitted_at", "decided_at", "reason", "levels", "contract", "actions"]
        read_only_fields = fields

    @extend_schema_field(ApplicationLevelSerializer(many=True))
    def get_levels(self, obj):
        return ApplicationLevelSerializer(_sorted_levels(obj.levels.all()), many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_contract(self, obj) -> int | None:
        contract = getattr(obj, "contract", None)  # a missing reverse one-to-one raises AttributeError
        return contract.pk if contract else None


class PlacesSerializer(serializers.Serializer):
    level = CATEGORY_FIELD()
    places = serializers.IntegerField(min_value=0, max_value=MAX_PLACES)


def _places(rows) -> dict[str, int]:
    names = [row["level"] for row in rows]
    if len(names) != len(set(names)):
        raise serializers.ValidationError({"levels": [_("Each level may appear once.")]})
    return {row["level"]: row["places"] for row in rows}


class ApplicationCreateSerializer(serializers.Serializer):
    order = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    levels = PlacesSerializer(many=True, min_length=1, max_length=MAX_CATEGORIES)

    def places(self) -> dict[str, int]:
        return _places(self.validated_data["levels"])


class ApplicationApproveSerializer(serializers.Serializer):
    levels = PlacesSerializer(many=True, required=False, max_length=MAX_CATEGORIES,
                              help_text=_("Places approved per level; leave out to approve what was asked."))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def places(self) -> dict[str, int] | None:
        rows = self.validated_data.get("levels")
        return None if rows is None else _places(rows)


# --- contracts ---------------------------------------------------------------------------

class ContractLevelSerializer(serializers.Serializer):
    level = serializers.CharField(read_only=True, help_text=_("the programme's norm category (schools: the level)"))
    places = serializers.IntegerField(read_only=True)
    monthly_norm = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)


class ContractDocumentSerializer(serializers.Serializer):
    version = serializers.IntegerField(read_only=True)
    media_type = serializers.CharField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ContractSignatureSerializer(serializers.Serializer):
    party = serializers.CharField(read_only=True)
    signer_name = serializers.CharField(read_only=True)
    signed_at = serializers.DateTimeField(read_only=True)
    sha256 = serializers.CharField(read_only=True)


class ContractSerializer(ActionsMixin, serializers.ModelSerializer):
    transitions = CONTRACT_TRANSITIONS
    periods = serializers.IntegerField(read_only=True, help_text=_("periods paid: months, or academic terms"))
    school = SchoolBriefSerializer(read_only=True)
    levels = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()
    signatures = ContractSignatureSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = ["id", "number", "order", "application", "school", "status", "status_reason", "period_start", "period_end",
                  "months", "periods", "total_amount", "levels", "document", "signatures", "actions", "created_at"]
        read_only_fields = fields

    @extend_schema_field(ContractLevelSerializer(many=True))
    def get_levels(self, obj):
        rows = [{"level": row.level, "places": row.places, "monthly_norm": row.monthly_norm,
                 "amount": levels_total([(row.places, row.monthly_norm)], obj.periods)}
                for row in _sorted_levels(obj.levels.all())]
        return ContractLevelSerializer(rows, many=True).data

    @extend_schema_field(ContractDocumentSerializer(allow_null=True))
    def get_document(self, obj):
        document = obj.document
        return ContractDocumentSerializer(document).data if document else None


class SignSerializer(serializers.Serializer):
    document_sha256 = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$", max_length=64, required=False,
        help_text=_("The SHA-256 (hex) of the contract document you read: GET …/contracts/{id}/document/ "
                    "(required unless you post a qualified signature)."),
    )
    cms = OptionalCmsField()

    def validate(self, attrs):
        if not attrs.get("cms") and not attrs.get("document_sha256"):
            raise serializers.ValidationError({"document_sha256": [self.fields["document_sha256"].error_messages["required"]]})
        return attrs


# --- the public queue ----------------------------------------------------------------------

class QueueEntrySerializer(serializers.Serializer):
    """An application as the public sees it: no person, only the school, places, status and time."""

    position = serializers.IntegerField(read_only=True, help_text=_("Place in the order's queue (1 = submitted first)."))
    order = serializers.IntegerField(source="order_id", read_only=True)
    region = serializers.CharField(source="order.region_id", read_only=True)
    school_year = serializers.IntegerField(source="order.school_year", read_only=True)
    programme_code = serializers.CharField(source="order.programme_code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    school_name_kk = serializers.CharField(source="school.name_kk", read_only=True)
    school_name_ru = serializers.CharField(source="school.name_ru", read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True)
    status = serializers.ChoiceField(choices=Application._meta.get_field("status").choices, read_only=True)
    levels = ApplicationLevelSerializer(many=True, read_only=True)
