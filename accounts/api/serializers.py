from rest_framework import serializers

from accounts.models import User
from core.api.serializers import OptionalEmailField


class MeSerializer(serializers.ModelSerializer):
    email = OptionalEmailField(read_only=True)
    region = serializers.CharField(source="region_id", allow_null=True, read_only=True)
    school_bin = serializers.CharField(source="school.bin", allow_null=True, read_only=True, default=None)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "role", "region", "school_bin"]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
