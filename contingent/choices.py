from django.db import models
from django.utils.translation import gettext_lazy as _


class PupilCategory(models.TextChoices):
    REGULAR = "regular", _("Regular")
    SEN = "sen", _("Special educational needs")


class SnapshotStatus(models.TextChoices):
    IMPORTING = "importing", _("Importing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
