import base64

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import AuditEvent, PublishedHead
from oversight.choices import Addressee, CaseGround, Conclusion, SubjectKind
from oversight.models import CaseAttachment, CaseNote, CaseQuestion, MonitoringCase
from oversight.permissions import case_actions
from oversight.presenters import describe


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    object_type = serializers.SerializerMethodField(help_text="app_label.model")
    object_label = serializers.SerializerMethodField()
    action_label = serializers.SerializerMethodField()
    from_label = serializers.CharField(read_only=True)
    to_label = serializers.CharField(read_only=True)
    changes = serializers.SerializerMethodField()
    in_words = serializers.SerializerMethodField(help_text="the event in one sentence, in the request's language")

    class Meta:
        model = AuditEvent
        fields = ["id", "seq", "created_at", "actor", "action", "action_label", "object_type", "object_id", "object_label",
                  "from_status", "from_label", "to_status", "to_label", "reason", "data", "changes", "in_words",
                  "prev_hash", "hash"]
        read_only_fields = fields

    def _words(self, obj):
        cache = self.context.setdefault("_words", {})
        if obj.pk not in cache:
            cache[obj.pk] = describe(obj)
        return cache[obj.pk]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, obj):
        return obj.actor.username if obj.actor_id else None

    @extend_schema_field(serializers.CharField())
    def get_object_type(self, obj):
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    @extend_schema_field(serializers.CharField())
    def get_object_label(self, obj):
        words = self._words(obj)
        return f"{words.subject_type} {words.subject}"

    @extend_schema_field(serializers.CharField())
    def get_action_label(self, obj):
        return self._words(obj).action

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, obj):
        return [{"field": f, "old": o, "new": n} for f, o, n in self._words(obj).changes]

    @extend_schema_field(serializers.CharField())
    def get_in_words(self, obj):
        return self._words(obj).sentence()


class ProblemSerializer(serializers.Serializer):
    kind = serializers.CharField()
    event_id = serializers.IntegerField(allow_null=True)
    seq = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()


class VerifySerializer(serializers.Serializer):
    intact = serializers.BooleanField()
    count = serializers.IntegerField()
    head = serializers.CharField()
    summary = serializers.CharField()
    published_checked = serializers.IntegerField()
    seconds = serializers.FloatField()
    problem = ProblemSerializer(allow_null=True)


class PublishedHeadSerializer(serializers.ModelSerializer):
    events = serializers.IntegerField(source="seq", read_only=True)
    sealed = serializers.BooleanField(read_only=True)
    tsa_token = serializers.SerializerMethodField(help_text="the RFC 3161 TimeStampToken, DER, base64")
    statement = serializers.SerializerMethodField(help_text="the exact text the timestamp seals")

    class Meta:
        model = PublishedHead
        fields = ["id", "day", "seq", "events", "hash", "published_at", "sealed", "statement", "tsa_url", "tsa_time",
                  "tsa_serial", "tsa_token"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_tsa_token(self, obj):
        return base64.b64encode(bytes(obj.tsa_token)).decode() if obj.tsa_token is not None else None

    @extend_schema_field(serializers.CharField())
    def get_statement(self, obj):
        return obj.statement().decode()


class CaseQuestionSerializer(serializers.ModelSerializer):
    asked_by = serializers.CharField(source="asked_by.username", read_only=True)
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = CaseQuestion
        fields = ["id", "case", "addressee", "text", "asked_by", "asked_at", "due_on", "answer", "answered_by", "answered_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_answered_by(self, obj):
        return obj.answered_by.username if obj.answered_by_id else None


class CaseNoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = CaseNote
        fields = ["id", "case", "text", "author", "created_at"]
        read_only_fields = fields


class CaseAttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)

    class Meta:
        model = CaseAttachment
        fields = ["id", "case", "question", "internal", "name", "size", "sha256", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


# The API names of what may be done to a case now (``oversight.permissions.case_actions``): each is an
# action endpoint, POST /api/v1/monitoring-cases/{id}/<name>/.
CASE_API_ACTIONS = {"ask": "ask", "note": "notes", "attach": "attachments", "attach_internal": "attachments",
                    "conclude": "conclude", "report_elimination": "report-elimination", "reject_report": "reject-report",
                    "close_case": "close", "cancel_case": "cancel"}


class MonitoringCaseSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    school_bin = serializers.CharField(source="school.bin", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    region = serializers.CharField(source="school.region_id", read_only=True)
    opened_by = serializers.CharField(source="opened_by.username", read_only=True)
    payment_hold = serializers.BooleanField(source="violation_pending", read_only=True)
    conclusion = serializers.ChoiceField(choices=Conclusion.choices, allow_blank=True, read_only=True,
                                         help_text="blank until the conclusion is issued")
    questions = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField(help_text="internal notes: monitors, operators and administrators only")
    actions = serializers.SerializerMethodField(
        help_text=_("The actions you may take now (POST …/monitoring-cases/{id}/<action>/)."))

    class Meta:
        model = MonitoringCase
        fields = ["id", "number", "subject_kind", "subject_id", "school", "school_bin", "school_name", "region", "finding",
                  "ground", "ground_details", "status", "conclusion", "conclusion_text", "concluded_at",
                  "elimination_report", "reported_at", "status_reason", "opened_by", "opened_at", "updated_at",
                  "payment_hold", "questions", "attachments", "notes", "actions"]
        read_only_fields = fields

    def _user(self):
        return self.context["request"].user

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=sorted(set(CASE_API_ACTIONS.values())))))
    def get_actions(self, obj) -> list[str]:
        return sorted({CASE_API_ACTIONS[name] for name in case_actions(obj, self._user())})

    @extend_schema_field(CaseQuestionSerializer(many=True))
    def get_questions(self, obj):
        from oversight.selectors import case_questions

        return CaseQuestionSerializer(case_questions(user=self._user(), case=obj), many=True).data

    @extend_schema_field(CaseAttachmentSerializer(many=True))
    def get_attachments(self, obj):
        from oversight.selectors import case_attachments

        return CaseAttachmentSerializer(case_attachments(user=self._user(), case=obj), many=True).data

    @extend_schema_field(CaseNoteSerializer(many=True))
    def get_notes(self, obj):
        from oversight.selectors import case_notes

        return CaseNoteSerializer(case_notes(user=self._user(), case=obj), many=True).data


class CaseOpenSerializer(serializers.Serializer):
    subject_kind = serializers.ChoiceField(choices=SubjectKind.choices)
    subject_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False,
                                          help_text="the school, contract or act; from a finding: defaults to its school")
    finding = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    ground = serializers.ChoiceField(choices=CaseGround.choices)
    ground_details = serializers.CharField(max_length=4000)


class CaseAskSerializer(serializers.Serializer):
    addressee = serializers.ChoiceField(choices=Addressee.choices)
    text = serializers.CharField(max_length=4000)
    working_days = serializers.IntegerField(min_value=1, max_value=60, required=False)


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=8000)


class CaseConcludeSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    text = serializers.CharField(max_length=4000)


class CaseAttachSerializer(serializers.Serializer):
    file = serializers.FileField()
    question = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    internal = serializers.BooleanField(default=False)
