from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import OptionalEmailField
from schools.models import Licence, RegisterLoad, School, SchoolChange, UnreliableSupplierEntry


class SchoolSerializer(serializers.ModelSerializer):
    email = OptionalEmailField(read_only=True)
    name = serializers.CharField(read_only=True)
    region = serializers.CharField(source="region_id", read_only=True, help_text="two-digit KATO region code")
    open_errors = serializers.IntegerField(read_only=True, help_text="open error findings (they block payment)")

    class Meta:
        model = School
        fields = [
            "id", "bin", "name", "name_kk", "name_ru", "region", "kato", "address", "oked", "capacity",
            "iban", "bank_name", "bic", "email", "phone", "director", "status", "open_errors", "updated_at",
        ]
        read_only_fields = fields


class LicenceSerializer(serializers.ModelSerializer):
    licence_number = serializers.CharField(source="number", read_only=True)
    levels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Licence
        fields = ["id", "bin", "licence_number", "issued_on", "levels", "status", "updated_at"]
        read_only_fields = fields


class UnreliableSupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnreliableSupplierEntry
        fields = ["id", "bin", "included_on", "excluded_on", "reason", "updated_at"]
        read_only_fields = fields


class SchoolChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.SerializerMethodField()

    class Meta:
        model = SchoolChange
        fields = ["id", "bin", "kind", "subject", "before", "after", "source", "load", "changed_by", "changed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_changed_by(self, obj) -> str | None:
        return obj.changed_by.username if obj.changed_by_id else None


class RegisterLoadSerializer(serializers.ModelSerializer):
    loaded_by = serializers.SerializerMethodField()

    class Meta:
        model = RegisterLoad
        fields = ["id", "kind", "source", "source_kind", "sha256", "row_count", "created_count", "changed_count",
                  "unchanged_count", "loaded_by", "loaded_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_loaded_by(self, obj) -> str | None:
        return obj.loaded_by.username if obj.loaded_by_id else None
