"""Serializing the rows of a big list fast, with DRF's own answer (issue 18).

DRF serializes a row field by field through generic machinery: for each field, its source is
walked with checks for mappings and callables, a relation is wrapped in a ``PKOnlyObject``, a date
and time asks for the current time zone. For a 50-row page of enrolments (21 fields with the
pupil) that was a quarter of the request's processor time.

``PlannedRepresentationMixin`` works out once per serializer class a *plan*: for each readable
field, the attributes to read and the conversion DRF's field would apply. A row is then a loop
over the plan. The plan covers only fields whose answer it can give exactly as DRF gives it —
plain model values, a relation's primary key, a nested serializer that has a plan, date and
time in ISO 8601 — and a class with any other field keeps DRF's path whole. A row the plan cannot
read as it expects (a mapping, a missing attribute, a callable) goes through DRF's path too.
``tests/core/test_representation.py`` compares both answers row by row.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from operator import attrgetter

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.utils import timezone
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.settings import ISO_8601, api_settings

from core.api.serializers import FieldsBuiltOnceMixin

_GENERIC = object()  # a row the plan cannot read: DRF's path answers

# Fields whose ``to_representation`` reads only the value and the field's own arguments (never the
# request or the serializer's context): the plan may call it.
_PLAIN = frozenset(cls.to_representation for cls in (
    drf_fields.BigIntegerField, drf_fields.FloatField, drf_fields.DecimalField, drf_fields.DateField,
    drf_fields.TimeField, drf_fields.ChoiceField, drf_fields.UUIDField, drf_fields.JSONField,
    drf_fields.ReadOnlyField))


def _bool(field):
    represent = field.to_representation
    return lambda value: value if value.__class__ is bool else represent(value)


def _conversion(field):
    """What the plan calls on a non-None value of ``field`` (DRF's own, or its exact shortcut), or None."""
    method = type(field).to_representation
    if method is drf_fields.CharField.to_representation:
        return str
    if method is drf_fields.IntegerField.to_representation:
        return int
    if method is drf_fields.BooleanField.to_representation:
        return _bool(field)
    if method in _PLAIN:
        return field.to_representation
    return None


def _iso_datetime(field) -> bool:
    """A date and time DRF writes in ISO 8601 in the current time zone (the plan writes it the same way)."""
    kind = type(field)
    return (kind.to_representation is drf_fields.DateTimeField.to_representation
            and kind.enforce_timezone is drf_fields.DateTimeField.enforce_timezone
            and not hasattr(field, "timezone") and settings.USE_TZ
            and str(getattr(field, "format", api_settings.DATETIME_FORMAT) or "").lower() == ISO_8601)


def _step(serializer_class, field):
    """One field's step ``(name, read, kind, conversion)``, or None when DRF's path must answer; ``read`` gets the
    value from a row (``attrgetter("school.bin")`` reads ``row.school.bin``)."""
    attrs = field.source_attrs
    if not attrs:  # ``source="*"``: the whole row
        return None
    read = attrgetter(".".join(attrs))
    if isinstance(field, serializers.BaseSerializer):
        nested = _plan(type(field)) if isinstance(field, PlannedRepresentationMixin) else None
        return (field.field_name, read, "nested", nested) if nested is not None else None
    if isinstance(field, relations.RelatedField):
        model = getattr(getattr(serializer_class, "Meta", None), "model", None)
        if (type(field).get_attribute is not relations.RelatedField.get_attribute or not field.use_pk_only_optimization()
                or type(field).to_representation is not relations.PrimaryKeyRelatedField.to_representation
                or field.pk_field is not None or len(attrs) != 1 or model is None):
            return None
        try:
            model_field = model._meta.get_field(attrs[0])
        except FieldDoesNotExist:  # a property or a method: DRF reads it
            return None
        if not (model_field.concrete and model_field.is_relation and not model_field.many_to_many):  # a key's column
            return None
        return field.field_name, attrgetter(model_field.attname), "pk", None
    if type(field).get_attribute is not drf_fields.Field.get_attribute:
        return None
    if _iso_datetime(field):
        return field.field_name, read, "datetime", None
    conversion = _conversion(field)
    return (field.field_name, read, "plain", conversion) if conversion is not None else None


def _plan(serializer_class):
    """The plan of ``serializer_class`` (a tuple of steps), or None when a field needs DRF's path."""
    if "_representation_plan" not in serializer_class.__dict__:
        prototype = serializer_class()  # fields bound once; the mixin is for serializers free of context
        steps = tuple(_step(serializer_class, field) for field in prototype._readable_fields)
        serializer_class._representation_plan = None if any(step is None for step in steps) else steps
    return serializer_class._representation_plan


def _represent(steps, instance, zone):
    if isinstance(instance, Mapping):
        return _GENERIC
    row = {}
    for name, read, kind, conversion in steps:
        try:
            value = read(instance)
        except ObjectDoesNotExist:  # DRF: a missing related object is None
            value = None
        except (AttributeError, KeyError):
            return _GENERIC
        if value is None:
            row[name] = None
        elif kind == "plain":
            if callable(value):
                return _GENERIC
            row[name] = conversion(value)
        elif kind == "pk":
            row[name] = value
        elif kind == "datetime":
            if not isinstance(value, datetime.datetime) or timezone.is_naive(value):  # a string, a naive time: DRF
                return _GENERIC
            text = value.astimezone(zone).isoformat()
            row[name] = text[:-6] + "Z" if text.endswith("+00:00") else text
        else:  # nested
            nested = _GENERIC if callable(value) else _represent(conversion, value, zone)
            if nested is _GENERIC:
                return _GENERIC
            row[name] = nested
    return row


class PlannedRepresentationMixin(FieldsBuiltOnceMixin):
    """A read serializer whose rows follow a plan worked out once per class (see the module).

    Only for serializers whose fields do not depend on the request or the context (as
    ``FieldsBuiltOnceMixin``); a nested serializer takes the plan's path when it has the mixin too.
    """

    def to_representation(self, instance):
        steps = _plan(type(self))
        if steps is not None:
            row = _represent(steps, instance, timezone.get_current_timezone())
            if row is not _GENERIC:
                return row
        return super().to_representation(instance)
