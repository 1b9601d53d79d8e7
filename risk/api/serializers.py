from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from risk.explanations import explain
from risk.models import RiskFlag, RiskRun, RiskScore


def _words(explanation) -> str:
    return " ".join(part for part in [explanation.summary, *explanation.facts] if part)


class RiskFlagSerializer(serializers.ModelSerializer):
    code_label = serializers.CharField(source="get_code_display", read_only=True)
    school_bin = serializers.CharField(source="school.bin", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    region = serializers.CharField(source="school.region_id", read_only=True)
    schools = serializers.SerializerMethodField(help_text="every school of the portal the flag concerns (ids)")
    check_date = serializers.DateField(source="last_run.check_date", read_only=True)
    snapshot = serializers.IntegerField(source="last_run.snapshot_id", read_only=True)
    explanation = serializers.SerializerMethodField(help_text="the flag in plain words, in the request's language")
    case_reference = serializers.CharField(source="case_key", read_only=True,
                                           help_text="the flag's stable reference for a monitoring case")

    class Meta:
        model = RiskFlag
        fields = [
            "id", "code", "code_label", "status", "subject_key", "school", "school_bin", "school_name", "region", "schools",
            "pupil_iin", "payment", "month", "evidence", "evidence_sha256", "explanation", "rule_version", "check_date",
            "snapshot", "first_run", "last_run", "closed_by_run", "case_reference", "created_at", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_schools(self, obj) -> list[int]:
        return sorted(link.school_id for link in obj.school_links.all())

    @extend_schema_field(serializers.CharField())
    def get_explanation(self, obj) -> str:
        return _words(explain(obj))


class RiskReplaySerializer(serializers.Serializer):
    flag = serializers.IntegerField(source="flag.pk")
    run = serializers.IntegerField(source="run.pk")
    identical = serializers.BooleanField(help_text="the recomputed evidence is the stored one, byte for byte")
    stored_sha256 = serializers.CharField()
    recomputed_sha256 = serializers.CharField(help_text="empty when the rule no longer raises the flag")
    differences = serializers.ListField(child=serializers.CharField(), help_text="evidence keys whose values differ")
    problem = serializers.CharField(help_text="why the flag could not be recomputed, if so")
    recomputed = serializers.JSONField(allow_null=True)


class RiskScoreSerializer(serializers.ModelSerializer):
    school_bin = serializers.CharField(source="school.bin", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = RiskScore
        fields = ["id", "run", "school", "school_bin", "school_name", "region", "pupils", "size_band", "flags", "score",
                  "peers", "percentile", "peer_quantile", "ranked", "outlier"]
        read_only_fields = fields


class RiskRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskRun
        fields = ["id", "snapshot", "previous_snapshot", "check_date", "previous_date", "as_of", "thresholds",
                  "score_settings", "rule_versions", "trigger", "check_run", "status", "counts", "timings", "error",
                  "started_at", "finished_at"]
        read_only_fields = fields
