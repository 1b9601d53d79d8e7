"""``core.api.representation.PlannedRepresentationMixin``: rows serialized by a plan worked out once per class give
exactly DRF's answer, and a serializer or a row the plan cannot read goes DRF's way."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone
from rest_framework import serializers

from contingent.api.serializers import EnrolmentSerializer, PupilSerializer
from contingent.models import Enrolment
from contingent.selectors import enrolment_list
from core.api.representation import PlannedRepresentationMixin, _plan
from tests.contingent.factories import make_enrolment
from tests.core.test_fields_built_once import PlainEnrolmentSerializer
from tests.schools.factories import make_finding


@pytest.fixture
def rows(operator_user, school_a):
    for grade in (0, 1, 6, 11):
        make_enrolment(school=school_a, grade=grade)
    left = make_enrolment(school=school_a, grade=9, left_on=dt.date(2025, 10, 1), category="sen")
    left.pupil.middle_name = ""
    left.pupil.save(update_fields=["middle_name"])
    make_finding(school_a, code="P03", enrolment=left)
    make_finding(school_a, code="P01", enrolment=left, status="explained")
    return list(enrolment_list(user=operator_user))


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Asia/Almaty", "UTC", "America/St_Johns"])
def test_the_plan_gives_drfs_answer_row_by_row_in_every_time_zone(rows, zone):
    assert any(row.has_findings and row.open_findings for row in rows) and any(row.left_on for row in rows)
    with timezone.override(zone):
        planned = EnrolmentSerializer(rows, many=True).data
        assert planned == PlainEnrolmentSerializer(rows, many=True).data
        assert [EnrolmentSerializer(row).data for row in rows] == list(planned)
    assert {row["created_at"][-6:] if zone != "UTC" else row["created_at"][-1:] for row in planned} <= {
        "+05:00", "-03:30", "-02:30", "Z"}


@pytest.mark.django_db
def test_the_enrolment_list_takes_the_plan_not_drfs_path(rows):
    assert _plan(EnrolmentSerializer) is not None and _plan(PupilSerializer) is not None
    with mock.patch.object(serializers.Serializer, "to_representation", side_effect=AssertionError("DRF's path")):
        data = EnrolmentSerializer(rows, many=True).data
    assert len(data) == len(rows) and data[0]["pupil"]["iin"] == rows[0].pupil.iin


class WithAMethodField(PlannedRepresentationMixin, serializers.ModelSerializer):
    label = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = ["id", "grade", "label"]

    def get_label(self, enrolment) -> str:
        return f"{enrolment.grade}-{self.context.get('suffix', '')}"


class PlainEnrolment(PlannedRepresentationMixin, serializers.ModelSerializer):
    class Meta:
        model = Enrolment
        fields = ["id", "school", "grade", "left_on", "created_at"]


class EnrolmentDates(PlannedRepresentationMixin, serializers.ModelSerializer):
    class Meta:
        model = Enrolment
        fields = ["id", "grade", "left_on", "created_at"]


@pytest.mark.django_db
def test_a_field_the_plan_cannot_answer_leaves_the_whole_class_to_drf(rows):
    assert _plan(WithAMethodField) is None
    assert WithAMethodField(rows[0], context={"suffix": "x"}).data == {"id": rows[0].pk, "grade": rows[0].grade,
                                                                       "label": f"{rows[0].grade}-x"}


@pytest.mark.django_db
def test_a_row_the_plan_cannot_read_goes_drfs_way(rows):
    as_drf = serializers.ModelSerializer.to_representation
    assert _plan(PlainEnrolment) is not None
    mapping = {"id": 7, "grade": 2, "left_on": dt.date(2025, 9, 1), "created_at": timezone.now()}
    assert EnrolmentDates(mapping).data == as_drf(EnrolmentDates(), mapping) and _plan(EnrolmentDates) is not None
    naive = Enrolment(id=8, school_id=3, grade=2, created_at=dt.datetime(2025, 9, 1, 8, 0))
    with timezone.override("Asia/Almaty"):
        assert PlainEnrolment(naive).data == as_drf(PlainEnrolment(), naive) == {
            "id": 8, "school": 3, "grade": 2, "left_on": None, "created_at": "2025-09-01T08:00:00+05:00"}
    missing = Enrolment(id=9, school_id=None, grade=None, created_at=None)
    assert PlainEnrolment(missing).data == as_drf(PlainEnrolment(), missing)
