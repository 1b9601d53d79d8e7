"""Audit event types of the composite pages (``AuditEvent.action``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalEvent(models.TextChoices):
    PUPIL_SEARCHED = "pupil_searched", _("Pupil looked up by IIN")
