from django.db import models
from django.utils.translation import gettext_lazy as _


class PupilCategory(models.TextChoices):
    REGULAR = "regular", _("Regular")
    SEN = "sen", _("Special educational needs")


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
