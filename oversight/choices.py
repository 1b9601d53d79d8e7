from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseGround(models.TextChoices):
    """Why a monitoring case is opened (the grounds of the public procurement monitoring procedure)."""

    RISK_INDICATOR = "risk_indicator", _("Risk indicator")
    CITIZEN_COMPLAINT = "citizen_complaint", _("Citizen complaint")
    MEDIA = "media", _("Media report")
    AUDIT_REQUEST = "audit_request", _("Audit request")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DIALOGUE = "dialogue", _("In dialogue")
    CONCLUDED = "concluded", _("Conclusion issued")
    ELIMINATION = "elimination", _("Elimination report submitted")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


FINAL_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.CANCELLED})


class Conclusion(models.TextChoices):
    VIOLATION_FOUND = "violation_found", _("Violation found")
    NOT_FOUND = "not_found", _("No violation found")


class SubjectKind(models.TextChoices):
    SCHOOL = "school", _("School")
    CONTRACT = "contract", _("Contract")
    ACT = "act", _("Act of services rendered")


class Addressee(models.TextChoices):
    SCHOOL = "school", _("The school")
    DEPARTMENT = "department", _("The education department")


class CaseStep(models.TextChoices):
    """The steps of a case that are notified by e-mail (``oversight.notifications``)."""

    OPENED = "opened", _("A monitoring case is opened")
    QUESTION_ASKED = "question_asked", _("A question awaits your answer")
    QUESTION_ANSWERED = "question_answered", _("A question is answered")
    CONCLUDED = "concluded", _("The conclusion of the case is issued")
    REPORT_SUBMITTED = "report_submitted", _("An elimination report is submitted")
    REPORT_REJECTED = "report_rejected", _("The elimination report is sent back")
    CLOSED = "closed", _("The case is closed")
    CANCELLED = "cancelled", _("The case is cancelled")


class CaseEvent(models.TextChoices):
    """Audit event types of monitoring cases (``AuditEvent.action``; registered in ``oversight.apps``)."""

    OPENED = "case_opened", _("Monitoring case opened")
    DIALOGUE_STARTED = "case_dialogue_started", _("Dialogue started")
    QUESTION_ASKED = "case_question_asked", _("Question asked")
    QUESTION_ANSWERED = "case_question_answered", _("Question answered")
    NOTE_ADDED = "case_note_added", _("Internal note added")
    ATTACHMENT_ADDED = "case_attachment_added", _("Attachment added")
    CONCLUDED = "case_concluded", _("Conclusion issued")
    REPORT_SUBMITTED = "case_report_submitted", _("Elimination report submitted")
    REPORT_REJECTED = "case_report_rejected", _("Elimination report sent back")
    CLOSED = "case_closed", _("Case closed")
    CANCELLED = "case_cancelled", _("Case cancelled")
