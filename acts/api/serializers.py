"""Serializers of acts and act lines, and the fields the payments API shares (``MonthField``,
``IdField``, ``ScopedPrimaryKeyField``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acts import selectors
from acts.choices import (
    LINE_VERDICT_CHOICES,
    ActStatus,
    InspectionResult,
    LineDecision,
    LineRejectReason,
    SubmissionOutcome,
)
from acts.deadlines import parse_month
from acts.models import Act, ActLine, ActSubmission, InspectionItem, InspectionSample
from acts.permissions import act_actions
from acts.services.reviews import SELECTIONS
from contingent.choices import PupilCategory
from signatures.api.serializers import OptionalCmsField

MAX_ID = 2**62
MAX_LINES = 5000


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "example": "2025-10"})
class MonthField(serializers.Field):
    """A month as ``YYYY-MM``."""

    default_error_messages = {"invalid": _("Give the month as YYYY-MM.")}

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) > 10:
            self.fail("invalid")
        try:
            month = parse_month(data)
        except ValueError:
            self.fail("invalid")
        if not 2000 <= month.year <= 2100:
            self.fail("invalid")
        return month

    def to_representation(self, value):
        return f"{value:%Y-%m}"


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related id that must be visible to the requesting user (the queryset comes from a selector)."""

    def __init__(self, *, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(user=self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not str(data).isdigit() or not 0 < int(data) <= MAX_ID:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


# --- acts -----------------------------------------------------------------------------------


# The API names of what may be done to an act now (``acts.permissions.act_actions``): each is an
# action endpoint, POST /api/v1/acts/{id}/<name>/ (inspecting is two: drawing the sample, recording a line).
ACT_API_ACTIONS = {"submit": ("submit",), "rebuild": ("rebuild",), "correct": ("correct",),
                   "decide": ("decide-lines",),
                   "inspect": ("draw-sample", "inspect-line"), "accept": ("accept",), "partly_accept": ("partly-accept",),
                   "return": ("return",)}


class ActSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    month = MonthField(read_only=True)
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    school_bin = serializers.CharField(source="school.bin", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    status = serializers.ChoiceField(choices=ActStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    actions = serializers.SerializerMethodField(help_text=_("The actions you may take now (POST …/acts/{id}/<action>/)."))
    programme = serializers.IntegerField(source="contract.order.programme_id", read_only=True)
    instrument = serializers.CharField(source="contract.order.programme.instrument", read_only=True)

    class Meta:
        model = Act
        fields = ["id", "number", "contract", "contract_number", "school_bin", "school_name", "programme", "instrument",
                  "month", "period_end", "status",
                  "status_display", "version", "line_count", "total_amount", "accepted_amount", "due_on",
                  "review_due_on", "built_at", "submitted_at", "reviewed_at", "return_reason", "actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(
        choices=sorted(name for names in ACT_API_ACTIONS.values() for name in names))))
    def get_actions(self, act) -> list[str]:
        request = self.context.get("request")
        return sorted(n for name in act_actions(act, getattr(request, "user", None)) for n in ACT_API_ACTIONS[name])


class ActBuildSerializer(serializers.Serializer):
    contract = ScopedPrimaryKeyField(selector=selectors.contracts_for_acts, help_text=_("an active contract of your school"))
    month = MonthField(help_text=_("YYYY-MM: the month, or the month a term of the programme starts"))


class FindingBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    severity = serializers.CharField()
    status = serializers.CharField()
    label = serializers.CharField(source="get_code_display")


class ActLineSerializer(serializers.ModelSerializer):
    act_number = serializers.CharField(source="act.number", read_only=True)
    act_url = serializers.HyperlinkedRelatedField(source="act", view_name="act-detail", read_only=True,
                                                  help_text=_("the act of this line in the API"))
    blocked = serializers.BooleanField(read_only=True, help_text=_("an open error finding: not payable"))
    findings = serializers.SerializerMethodField()
    level = serializers.CharField(read_only=True, help_text=_("the programme's norm category (schools: the level)"))
    category = serializers.ChoiceField(choices=PupilCategory.choices, read_only=True)
    decision = serializers.ChoiceField(choices=LineDecision.choices, read_only=True)
    reject_reason = serializers.ChoiceField(choices=LineRejectReason.choices, read_only=True, allow_blank=True)

    class Meta:
        model = ActLine
        fields = ["id", "act", "act_number", "act_url", "version", "enrolment", "iin", "pupil_name", "grade", "level", "category", "first_day",
                  "last_day", "days", "days_in_month", "norm", "coefficient", "amount", "decision", "reject_reason",
                  "decision_note", "decided_at", "blocked", "findings"]
        read_only_fields = fields

    @extend_schema_field(FindingBriefSerializer(many=True))
    def get_findings(self, line):
        return FindingBriefSerializer(getattr(line, "findings", []), many=True).data


class ActSubmissionSerializer(serializers.ModelSerializer):
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None, allow_null=True)
    outcome = serializers.ChoiceField(choices=SubmissionOutcome.choices, read_only=True, allow_blank=True)

    class Meta:
        model = ActSubmission
        fields = ["version", "submitted_at", "submitted_by", "line_count", "total_amount", "lines_sha256",
                  "review_due_on", "outcome", "accepted_amount", "decided_at", "decided_by", "reason"]
        read_only_fields = fields


class DecideLinesSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=LINE_VERDICT_CHOICES)
    lines = serializers.ListField(child=IdField(), required=False, max_length=MAX_LINES,
                                  help_text=_("ids of the lines to decide"))
    selection = serializers.ChoiceField(choices=SELECTIONS, required=False,
                                        help_text=_("instead of ids: all undecided lines without / with an open error"))
    reason = serializers.ChoiceField(choices=LineRejectReason.choices, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def validate(self, attrs):
        if ("lines" in attrs) == ("selection" in attrs):
            raise serializers.ValidationError(_("Give either the line ids or a selection."))
        return attrs


class DecidedSerializer(serializers.Serializer):
    decided = serializers.IntegerField()


class RejectionSerializer(serializers.Serializer):
    line = IdField()
    reason = serializers.ChoiceField(choices=LineRejectReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class PartlyAcceptSerializer(serializers.Serializer):
    rejections = serializers.ListField(child=RejectionSerializer(), required=False, default=list, max_length=MAX_LINES)
    cms = OptionalCmsField()


# --- acceptance after inspection -----------------------------------------------------------


class InspectionItemSerializer(serializers.ModelSerializer):
    iin = serializers.CharField(source="line.iin", read_only=True)
    pupil_name = serializers.CharField(source="line.pupil_name", read_only=True)
    amount = serializers.DecimalField(source="line.amount", max_digits=16, decimal_places=2, read_only=True)
    result = serializers.ChoiceField(choices=InspectionResult.choices, read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)
    inspected_by = serializers.CharField(source="inspected_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = InspectionItem
        fields = ["line", "iin", "pupil_name", "amount", "open_finding", "weight", "rank", "result", "result_display",
                  "note", "inspected_by", "inspected_at"]
        read_only_fields = fields


class InspectionSampleSerializer(serializers.ModelSerializer):
    drawn_by = serializers.CharField(source="drawn_by.username", read_only=True)
    lines = serializers.SerializerMethodField(help_text=_("lines with an open finding first (rank 0), then the "
                                                          "random part in the order of the draw"))

    class Meta:
        model = InspectionSample
        fields = ["version", "seed", "size", "weights", "drawn_at", "drawn_by", "lines"]
        read_only_fields = fields

    @extend_schema_field(InspectionItemSerializer(many=True))
    def get_lines(self, sample):
        return InspectionItemSerializer(getattr(sample, "entries", []), many=True).data


INSPECTION_RESULTS = [(value, label) for value, label in InspectionResult.choices if value != InspectionResult.PENDING]


class InspectLineSerializer(serializers.Serializer):
    line = IdField(help_text=_("id of a sampled line of the act's current version"))
    result = serializers.ChoiceField(choices=INSPECTION_RESULTS)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                 help_text=_("required when the pupil is absent or the result is other"))


class OverdueItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["submission", "review"])
    contract = serializers.IntegerField(source="contract_id")
    contract_number = serializers.CharField()
    school_name = serializers.CharField()
    month = MonthField()
    due_on = serializers.DateField()
    days_late = serializers.IntegerField()
    act = serializers.IntegerField(source="act_id", allow_null=True,
                                   help_text=_("the act, when one was built (null: none yet)"))
