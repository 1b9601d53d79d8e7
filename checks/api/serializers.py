from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from checks.explanations import explain
from checks.models import CheckRun, Finding


class FindingPupilSerializer(serializers.Serializer):
    iin = serializers.CharField()
    name = serializers.CharField()
    grade = serializers.IntegerField()


class FindingSerializer(serializers.ModelSerializer):
    code_label = serializers.CharField(source="get_code_display", read_only=True)
    school_bin = serializers.CharField(source="school.bin", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    region = serializers.CharField(source="school.region_id", read_only=True)
    check_date = serializers.DateField(source="last_run.check_date", read_only=True)
    pupil = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField(help_text="the finding in plain words, in the request's language")
    status_changed_by = serializers.SerializerMethodField()
    status_reason = serializers.CharField(source="status_reason_text", read_only=True,
                                          help_text="why the finding has its status, in the request's language")

    class Meta:
        model = Finding
        fields = [
            "id", "code", "code_label", "severity", "status", "school", "school_bin", "school_name", "region",
            "enrolment", "pupil", "level", "details", "explanation", "rule_version", "check_date", "first_run",
            "last_run", "closed_by_run", "status_reason", "status_changed_by", "status_changed_at", "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(FindingPupilSerializer(allow_null=True))
    def get_pupil(self, obj):
        if obj.enrolment_id is None:
            return None
        pupil = obj.enrolment.pupil
        return {"iin": pupil.iin, "name": str(pupil), "grade": obj.enrolment.grade}

    @extend_schema_field(serializers.CharField())
    def get_explanation(self, obj) -> str:
        result = explain(obj)
        return " ".join(part for part in [result.summary, *result.facts] if part)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status_changed_by(self, obj) -> str | None:
        return obj.status_changed_by.username if obj.status_changed_by_id else None


class FindingExplainSerializer(serializers.Serializer):
    explanation = serializers.CharField(max_length=4000, help_text="why the warning is not a problem")


class FindingDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class CheckRunSerializer(serializers.ModelSerializer):
    started_by = serializers.SerializerMethodField()

    class Meta:
        model = CheckRun
        fields = [
            "id", "check_date", "snapshot", "rule_versions", "inputs", "trigger", "started_by", "status", "progress",
            "counts", "error", "started_at", "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_started_by(self, obj) -> str | None:
        return obj.started_by.username if obj.started_by_id else None
