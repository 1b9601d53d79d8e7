from rest_framework import serializers

from core.models import Region


class OptionalEmailField(serializers.EmailField):
    """An e-mail address that may be blank ("" when none is known), documented so: a read-only model field
    loses ``allow_blank`` in a ModelSerializer, and its schema would then refuse ""."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)


class RegionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "kato", "kind", "name", "name_kk", "name_ru", "name_en"]


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    details = serializers.DictField(required=False)


class ErrorSerializer(serializers.Serializer):
    """The body of every API error."""

    error = ErrorDetailSerializer()


class ReasonSerializer(serializers.Serializer):
    """The body of an action that needs a reason (reject, suspend, return …)."""

    reason = serializers.CharField(max_length=2000)


class OptionalReasonSerializer(serializers.Serializer):
    """The body of an action whose reason is optional (withdraw, resume, close …)."""

    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
