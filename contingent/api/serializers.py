from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contingent.choices import PupilCategory
from contingent.models import ContingentImport, Enrolment, NobdSnapshot, Pupil
from contingent.services.imports import import_progress
from core.api.representation import PlannedRepresentationMixin
from core.uploads import TableFileSerializerField
from programmes.choices import BeneficiaryKind


class PupilSerializer(PlannedRepresentationMixin, serializers.ModelSerializer):
    class Meta:
        model = Pupil
        fields = ["id", "iin", "last_name", "first_name", "middle_name", "birth_date"]
        read_only_fields = fields


class EnrolmentSerializer(PlannedRepresentationMixin, serializers.ModelSerializer):
    pupil = PupilSerializer(read_only=True)
    school_bin = serializers.CharField(read_only=True)  # ``enrolment_list``'s annotation
    level = serializers.CharField(read_only=True, allow_null=True)
    has_findings = serializers.BooleanField(read_only=True, help_text=_("a live finding (open, explained or waived)"))
    open_findings = serializers.IntegerField(read_only=True, help_text=_("open or explained findings"))

    class Meta:
        model = Enrolment
        fields = ["id", "school", "school_bin", "pupil", "kind", "grade", "level", "category", "specialty_group",
                  "enrolled_on", "left_on", "has_findings", "open_findings", "created_at", "updated_at"]
        read_only_fields = fields


class EnrolmentCreateSerializer(serializers.Serializer):
    iin = serializers.CharField(max_length=12)
    last_name = serializers.CharField(max_length=100)
    first_name = serializers.CharField(max_length=100)
    middle_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    birth_date = serializers.DateField()
    grade = serializers.IntegerField(min_value=0, max_value=11)
    category = serializers.ChoiceField(choices=PupilCategory.choices, default=PupilCategory.REGULAR)
    enrolled_on = serializers.DateField()
    left_on = serializers.DateField(required=False, allow_null=True, default=None)


class EnrolmentUpdateSerializer(serializers.Serializer):
    last_name = serializers.CharField(max_length=100, required=False)
    first_name = serializers.CharField(max_length=100, required=False)
    middle_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    grade = serializers.IntegerField(min_value=0, max_value=11, required=False)
    category = serializers.ChoiceField(choices=PupilCategory.choices, required=False)
    enrolled_on = serializers.DateField(required=False)
    left_on = serializers.DateField(required=False, allow_null=True)


class LeaveSerializer(serializers.Serializer):
    left_on = serializers.DateField(help_text=_("the pupil's last day at the school"))
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class NobdSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = NobdSnapshot
        fields = ["id", "taken_on", "source", "sha256", "row_count", "status", "started_at", "finished_at", "pruned_at"]
        read_only_fields = fields


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ImportProgressSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=["queued", "reading", "checking", "merging"])
    rows = serializers.IntegerField(help_text=_("rows read so far"))
    at = serializers.DateTimeField(required=False, help_text=_("when the progress was reported"))


class ContingentImportSerializer(serializers.ModelSerializer):
    school_bin = serializers.CharField(source="school.bin", read_only=True, default=None, allow_null=True)
    errors = ImportErrorSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField(help_text=_("while the file is being checked or saved; null otherwise"))

    class Meta:
        model = ContingentImport
        fields = ["id", "school", "school_bin", "kind", "original_name", "sha256", "status", "progress", "row_count", "summary",
                  "errors", "created_at", "decided_at"]
        read_only_fields = fields

    @extend_schema_field(ImportProgressSerializer(allow_null=True))
    def get_progress(self, record) -> dict | None:
        return import_progress(record) or None


class ContingentUploadSerializer(serializers.Serializer):
    file = TableFileSerializerField(help_text=_("CSV (UTF-8) or XLSX with the contingent columns"))
    kind = serializers.ChoiceField(choices=BeneficiaryKind.choices, required=False, default=BeneficiaryKind.PUPIL,
                                   help_text=_("the beneficiaries of the file; the columns follow their instrument"))
