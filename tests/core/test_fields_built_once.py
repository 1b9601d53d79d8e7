"""``core.api.serializers.FieldsBuiltOnceMixin``: a ModelSerializer's fields worked out once per class, copied for
each serializer — the same output as DRF's own, and no field shared between two serializers."""

import pytest
from rest_framework import serializers

from contingent.api.serializers import EnrolmentSerializer, PupilSerializer
from contingent.selectors import enrolment_list
from tests.contingent.factories import make_enrolment


class PlainPupilSerializer(serializers.ModelSerializer):
    class Meta(PupilSerializer.Meta):
        pass


class PlainEnrolmentSerializer(serializers.ModelSerializer):
    """``EnrolmentSerializer`` as DRF builds it, every time."""

    pupil = PlainPupilSerializer(read_only=True)
    school_bin = serializers.CharField(read_only=True)
    level = serializers.CharField(read_only=True, allow_null=True)
    has_findings = serializers.BooleanField(read_only=True)
    open_findings = serializers.IntegerField(read_only=True)

    class Meta(EnrolmentSerializer.Meta):
        pass


@pytest.mark.django_db
def test_the_output_is_drfs_and_each_serializer_has_its_own_fields(operator_user, school_a):
    from datetime import date

    for grade in (1, 6, 11):
        make_enrolment(school=school_a, grade=grade)
    make_enrolment(school=school_a, grade=9, left_on=date(2025, 10, 1))
    rows = list(enrolment_list(user=operator_user))
    assert EnrolmentSerializer(rows, many=True).data == PlainEnrolmentSerializer(rows, many=True).data
    assert EnrolmentSerializer(rows, many=True).data == PlainEnrolmentSerializer(rows, many=True).data  # built once, again
    first, second = EnrolmentSerializer(rows[0]), EnrolmentSerializer(rows[1])
    assert first.fields["grade"] is not second.fields["grade"] and first.fields["grade"].parent is first
    assert first.fields["pupil"] is not second.fields["pupil"] and second.fields["pupil"].parent is second
    assert "_fields_built_once" in EnrolmentSerializer.__dict__ and "_fields_built_once" in PupilSerializer.__dict__
    assert list(first.fields) == list(PlainEnrolmentSerializer(rows[0]).fields)
