from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.choices import BeneficiaryCategory

# A beneficiary's category (pupils: regular or sen; scholarship holders: regular, increased or social).
PupilCategory = BeneficiaryCategory


class SnapshotStatus(models.TextChoices):
    IMPORTING = "importing", _("Importing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    # The rows were dropped by the retention rule; date, source, checksum and row count stay.
    PRUNED = "pruned", _("Rows pruned (metadata kept)")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")
    REJECTED = "rejected", _("Rejected (errors in the file)")


class EnrolmentEvent(models.TextChoices):
    """Audit event types of the contingent (``AuditEvent.action``)."""

    ADDED = "enrolment_added", _("Pupil enrolled")
    UPDATED = "enrolment_updated", _("Enrolment changed")
    LEFT = "enrolment_left", _("Pupil left")


class ContingentImportEvent(models.TextChoices):
    UPLOADED = "contingent_uploaded", _("Contingent file uploaded")
    IMPORTED = "contingent_imported", _("Contingent imported")
    DISCARDED = "contingent_upload_discarded", _("Contingent upload discarded")


class NobdSnapshotEvent(models.TextChoices):
    IMPORTED = "nobd_snapshot_imported", _("NOBD snapshot loaded")
    PRUNED = "nobd_snapshot_pruned", _("NOBD snapshot rows removed")
