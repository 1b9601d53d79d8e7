import copy

from rest_framework import serializers

from core.models import Region


class FieldsBuiltOnceMixin:
    """A ModelSerializer whose fields are worked out from its model once per class, then copied for each use.

    DRF builds a ModelSerializer's fields again for every serializer made — a look at the model for each field —,
    which is about a sixth of serializing a 50-row page of a big list (issue 18). The copy is DRF's own
    (``Field.__deepcopy__`` makes each field anew from the arguments it was declared with, unbound), so each
    serializer still gets its own fields. Only for serializers whose fields do not depend on the request or the
    instance (no ``get_fields`` of their own reading ``self.context``)."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            cls._fields_built_once = built
        return copy.deepcopy(built)


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
