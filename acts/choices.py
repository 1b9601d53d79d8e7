"""Statuses, codes and audit event types of acts: the act, its submissions, the decision on each line."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import ColouredChoices


class ActStatus(ColouredChoices):
    DRAFT = "draft", "secondary", pgettext_lazy("act status", "Draft")
    SUBMITTED = "submitted", "primary", pgettext_lazy("act status", "Submitted")
    ACCEPTED = "accepted", "success", pgettext_lazy("act status", "Accepted")
    PARTLY_ACCEPTED = "partly_accepted", "info", pgettext_lazy("act status", "Partly accepted")
    RETURNED = "returned", "warning", pgettext_lazy("act status", "Returned for correction")
    PAID = "paid", "success", pgettext_lazy("act status", "Paid")


class ActEvent(models.TextChoices):
    """Audit event types of acts (``AuditEvent.action``)."""

    BUILT = "act_built", _("Act built")
    REBUILT = "act_rebuilt", _("Act rebuilt")
    SUBMITTED = "act_submitted", _("Act submitted")
    LINES_DECIDED = "act_lines_decided", _("Act lines decided")
    ACCEPTED = "act_accepted", _("Act accepted")
    PARTLY_ACCEPTED = "act_partly_accepted", _("Act partly accepted")
    RETURNED = "act_returned", _("Act returned for correction")
    CORRECTED = "act_corrected", _("Act corrected (next version built)")
    PAID = "act_paid", _("Act paid")


# Acts whose accepted amount may be paid.
PAYABLE_ACT_STATUSES = (ActStatus.ACCEPTED, ActStatus.PARTLY_ACCEPTED)
# Acts the school still has to (re)submit.
OPEN_ACT_STATUSES = (ActStatus.DRAFT, ActStatus.RETURNED)


class SubmissionOutcome(models.TextChoices):
    PENDING = "", pgettext_lazy("submission outcome", "Under review")
    ACCEPTED = "accepted", pgettext_lazy("submission outcome", "Accepted")
    PARTLY_ACCEPTED = "partly_accepted", pgettext_lazy("submission outcome", "Partly accepted")
    RETURNED = "returned", pgettext_lazy("submission outcome", "Returned for correction")


class LineDecision(ColouredChoices):
    PENDING = "pending", "light", pgettext_lazy("line decision", "Not decided")
    ACCEPTED = "accepted", "success", pgettext_lazy("line decision", "Accepted")
    REJECTED = "rejected", "danger", pgettext_lazy("line decision", "Rejected")


# What the department may decide about a line.
LINE_VERDICT_CHOICES = [(LineDecision.ACCEPTED.value, pgettext_lazy("line verdict", "Accept")),
                        (LineDecision.REJECTED.value, pgettext_lazy("line verdict", "Reject"))]


class LineRejectReason(models.TextChoices):
    """Why the department rejects a line of an act (the reason code of a partial acceptance)."""

    CHECK_ERROR = "check_error", _("An open error finding of the checks")
    NOT_TAUGHT = "not_taught", _("The pupil was not taught in this month")
    WRONG_DAYS = "wrong_days", _("The days enrolled disagree with the records")
    WRONG_LEVEL = "wrong_level", _("Wrong level or category")
    DUPLICATE = "duplicate", _("Billed twice or funded elsewhere")
    NO_DOCUMENTS = "no_documents", _("Supporting documents missing")
    OTHER = "other", _("Other (explained in the note)")


class InspectionResult(ColouredChoices):
    """What the department found when it inspected a sampled line (the pupil, on site or by the records)."""

    PENDING = "pending", "light", pgettext_lazy("inspection result", "Not inspected yet")
    PRESENT = "present", "success", pgettext_lazy("inspection result", "Present")
    ABSENT = "absent", "danger", pgettext_lazy("inspection result", "Absent")
    OTHER = "other", "warning", pgettext_lazy("inspection result", "Other (see the note)")


# Results that need a note saying what was found.
INSPECTION_NOTE_REQUIRED = (InspectionResult.ABSENT, InspectionResult.OTHER)


class InspectionEvent(models.TextChoices):
    """Audit event types of the inspection before acceptance (registered in ``acts.apps``)."""

    SAMPLE_DRAWN = "act_sample_drawn", _("Inspection sample drawn")
    SAMPLE_EXTENDED = "act_sample_extended", _("Lines with new open findings added to the inspection sample")
    LINE_INSPECTED = "act_line_inspected", _("Sampled line inspected")
