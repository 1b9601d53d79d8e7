from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import ApiToken, User
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
    device = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                   help_text=_("which client or device the token is for (shown in the list of tokens)"))


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("send it as “Authorization: Token …”; it is shown only once"))
    token_key = serializers.CharField(help_text=_("the token's name in the list of tokens (not enough to use it)"))
    expiry = serializers.DateTimeField(allow_null=True)


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text=_("the token of this request"))

    class Meta:
        model = ApiToken
        fields = ["token_key", "label", "created", "expiry", "created_from", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.digest == token.digest
