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
    CHECKING = "checking", _("Being checked")
    PENDING = "pending", _("Awaiting confirmation")
    APPLYING = "applying", _("Being saved")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")
    REJECTED = "rejected", _("Rejected (errors in the file)")
    FAILED = "failed", _("Failed (upload the file again)")


class EnrolmentEvent(models.TextChoices):
    """Audit event types of the contingent (``AuditEvent.action``)."""

    ADDED = "enrolment_added", _("Pupil enrolled")
    UPDATED = "enrolment_updated", _("Enrolment changed")
    LEFT = "enrolment_left", _("Pupil left")


class ContingentImportEvent(models.TextChoices):
    UPLOADED = "contingent_uploaded", _("Contingent file uploaded")
    CHECKED = "contingent_checked", _("Contingent file checked")
    CONFIRMED = "contingent_confirmed", _("Contingent file confirmed")
    APPLY_REFUSED = "contingent_apply_refused", _("Contingent file no longer passes; not saved")
    FAILED = "contingent_upload_failed", _("Contingent file could not be processed")
    IMPORTED = "contingent_imported", _("Contingent imported")
    DISCARDED = "contingent_upload_discarded", _("Contingent upload discarded")


class NobdSnapshotEvent(models.TextChoices):
    IMPORTED = "nobd_snapshot_imported", _("NOBD snapshot loaded")
    PRUNED = "nobd_snapshot_pruned", _("NOBD snapshot rows removed")
