"""Codes of the funding programmes (CONTRACT "Funding instruments"): never rename or remove one."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InstrumentCode(models.TextChoices):
    SCHOOL_PER_CAPITA = "school_per_capita", _("State educational order (per pupil per month)")
    DORMITORY_PLACE = "dormitory_place", _("Dormitory places (per occupied place per month)")
    SCHOLARSHIP = "scholarship", _("Scholarships (per holder per month)")
    GRANT = "grant", _("Grants (per holder per academic term)")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("programme status", "Draft")
    ACTIVE = "active", pgettext_lazy("programme status", "Active")
    CLOSED = "closed", pgettext_lazy("programme status", "Closed")


class Period(models.TextChoices):
    MONTH = "month", _("Month")
    TERM = "term", _("Academic term")


class Proration(models.TextChoices):
    """How much of a period's norm a beneficiary earns (CONTRACT "Funding instruments")."""

    DAYS = "days", _("By days enrolled in the period")
    ANY_DAY = "any_day", _("The whole period for anyone enrolled on any day of it")
    TERM = "term", _("The whole term")


class Unit(models.TextChoices):
    PUPIL = "pupil", _("pupil")
    PLACE = "place", _("occupied place")
    HOLDER = "holder", _("holder")


class BeneficiaryKind(models.TextChoices):
    """Who a funded provider lists (``contingent.Enrolment.kind``)."""

    PUPIL = "pupil", _("Pupil")
    RESIDENT = "resident", _("Dormitory resident")
    SCHOLARSHIP_HOLDER = "scholarship_holder", _("Scholarship holder")
    GRANT_HOLDER = "grant_holder", _("Grant holder")


class BeneficiaryCategory(models.TextChoices):
    """A beneficiary's category: pupils regular or SEN (CONTRACT), scholarship holders regular, increased or social."""

    REGULAR = "regular", _("Regular")
    SEN = "sen", _("Special educational needs")
    INCREASED = "increased", _("Increased (excellent results)")
    SOCIAL = "social", _("Social")


class ProgrammeEvent(models.TextChoices):
    """Audit event types of a programme (``AuditEvent.action``; its transitions: ``Programme.TRANSITIONS``)."""

    CREATED = "programme_created", _("Programme created")
    UPDATED = "programme_updated", _("Programme changed")
    ACTIVATED = "programme_activated", _("Programme activated")
    CLOSED = "programme_closed", _("Programme closed")
