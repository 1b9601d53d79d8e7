"""Monitoring cases: a monitor's procedure on a school, a contract or an act.

open → dialogue (questions to the school or the department, with answer deadlines in working days)
→ conclusion (violation found / not found) → elimination report → closed; or cancelled with a reason.
The subject is named by content type and id (``subject_type``, ``subject_id``), so that this app
never imports the models of the apps above it; ``school`` is the subject's school, kept for scoping.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.scoping import Allow, Condition, Scope, ScopedQuerySet
from core.workflow import Transition
from oversight.choices import Addressee, CaseEvent, CaseGround, CaseStatus, Conclusion, SubjectKind

# A case holds the payment of its act while a conclusion says "violation found" and the elimination
# report is pending (not submitted, or submitted and not yet accepted by closing the case).
HOLDING_STATUSES = (CaseStatus.CONCLUDED, CaseStatus.ELIMINATION)
HOLDS_PAYMENT = Q(conclusion=Conclusion.VIOLATION_FOUND, status__in=HOLDING_STATUSES)



def _addressed_to_you(user) -> Q:
    """A question is answered by the party it is addressed to (the school, or the department)."""
    return Q(addressee=Addressee.SCHOOL if getattr(user, "role", None) == Role.SCHOOL else Addressee.DEPARTMENT)


ADDRESSED_TO_YOU = Condition(_addressed_to_you, _("The question is addressed to someone else."), "not_addressee")


class MonitoringCase(models.Model):
    subject_kind = models.CharField(_("subject"), max_length=16, choices=SubjectKind.choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField(_("subject id"))
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.PROTECT,
                               related_name="monitoring_cases")
    finding = models.ForeignKey("checks.Finding", verbose_name=_("finding"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="monitoring_cases")
    ground = models.CharField(_("ground"), max_length=32, choices=CaseGround.choices)
    ground_details = models.TextField(_("what prompted the case"), max_length=4000)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=Conclusion.choices, blank=True)
    conclusion_text = models.TextField(_("conclusion in words"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    elimination_report = models.TextField(_("elimination report"), blank=True)
    reported_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    status_reason = models.TextField(_("reason"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # Who may do what (``core.scoping``): monitors run the case (the monitor's exceptions to "read only"
    # are listed in ``core.scoping.MONITOR_ACTIONS``); the school of the case, or the education department
    # of its region, reports the elimination and adds shared files. Operators and administrators read.
    scope = Scope(region="school__region", school="school", actions={
        "open": Allow(Role.MONITOR, creates=True),
        "ask": Allow(Role.MONITOR),
        "note": Allow(Role.MONITOR),
        "attach": Allow(Role.MONITOR, Role.SCHOOL, Role.DEPARTMENT),
        "attach_internal": Allow(Role.MONITOR),
        "start_dialogue": Allow(Role.MONITOR),
        "conclude": Allow(Role.MONITOR),
        "report_elimination": Allow(Role.SCHOOL, Role.DEPARTMENT),
        "reject_report": Allow(Role.MONITOR),
        "close_case": Allow(Role.MONITOR),
        "cancel_case": Allow(Role.MONITOR),
    })

    # From which statuses each step may be taken and where it leads (who may: ``scope`` above).
    TRANSITIONS = {
        "start_dialogue": Transition(sources=(CaseStatus.OPEN,), target=CaseStatus.DIALOGUE, event=CaseEvent.DIALOGUE_STARTED),
        "conclude": Transition(sources=(CaseStatus.OPEN, CaseStatus.DIALOGUE), target=CaseStatus.CONCLUDED,
                               event=CaseEvent.CONCLUDED),
        "report_elimination": Transition(sources=(CaseStatus.CONCLUDED,), target=CaseStatus.ELIMINATION,
                                         event=CaseEvent.REPORT_SUBMITTED),
        "reject_report": Transition(sources=(CaseStatus.ELIMINATION,), target=CaseStatus.CONCLUDED,
                                    event=CaseEvent.REPORT_REJECTED, reason_required=True),
        "close_case": Transition(sources=(CaseStatus.CONCLUDED, CaseStatus.ELIMINATION), target=CaseStatus.CLOSED,
                                 event=CaseEvent.CLOSED),
        "cancel_case": Transition(sources=(CaseStatus.OPEN, CaseStatus.DIALOGUE, CaseStatus.CONCLUDED, CaseStatus.ELIMINATION),
                                  target=CaseStatus.CANCELLED, event=CaseEvent.CANCELLED, reason_required=True),
    }

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("monitoring case")
        verbose_name_plural = _("monitoring cases")
        indexes = [models.Index(fields=["subject_type", "subject_id", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[CaseStatus.CONCLUDED, CaseStatus.ELIMINATION, CaseStatus.CLOSED]) | ~Q(conclusion=""),
                name="case_concluded_has_conclusion",
            ),
        ]

    def __str__(self) -> str:
        return _("Case %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"MC-{self.opened_at:%Y}-{self.pk:05d}" if self.opened_at and self.pk else "MC-?"

    @property
    def violation_pending(self) -> bool:
        """A conclusion says "violation found" and the elimination report is not accepted yet."""
        return self.conclusion == Conclusion.VIOLATION_FOUND and self.status in HOLDING_STATUSES  # = HOLDS_PAYMENT


class CaseQuestion(models.Model):
    """A monitor's question to the school or the education department, due in working days."""

    case = models.ForeignKey(MonitoringCase, on_delete=models.PROTECT, related_name="questions")
    addressee = models.CharField(_("to"), max_length=16, choices=Addressee.choices)
    text = models.TextField(_("question"), max_length=4000)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    due_on = models.DateField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="case__school__region", school="case__school", actions={
        "answer": Allow(Role.SCHOOL, Role.DEPARTMENT, only=[ADDRESSED_TO_YOU]),
    })

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"{self.case} · {self.get_addressee_display()} · {self.due_on}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class CaseNote(models.Model):
    """The monitors' internal note on a case: never shown to the school or the department."""

    case = models.ForeignKey(MonitoringCase, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("note"), max_length=8000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope()  # operators, monitors and administrators only

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.case} · {self.created_at:%Y-%m-%d %H:%M}"


def _attachment_path(instance, filename: str) -> str:
    return f"oversight/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:10]}"


def _shared_in_region(user):
    return Q(internal=False, case__school__region=user.region_id)


def _shared_with_school(user):
    return Q(internal=False, case__school=user.school_id)


class CaseAttachment(models.Model):
    """A file of a case, kept privately under MEDIA_ROOT (never served by URL) with its SHA-256."""

    case = models.ForeignKey(MonitoringCase, on_delete=models.PROTECT, related_name="attachments")
    question = models.ForeignKey(CaseQuestion, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    internal = models.BooleanField(_("internal"), default=False)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region=_shared_in_region, school=_shared_with_school)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
