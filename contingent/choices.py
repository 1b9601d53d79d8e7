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
