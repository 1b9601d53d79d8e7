from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED_BY_SCHOOL = "signed_by_school", _("Signed by the school")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")
    CLOSED = "closed", _("Closed")


class ContractParty(models.TextChoices):
    SCHOOL = "school", _("School")
    DEPARTMENT = "department", _("Education department")


def level_sort_key(level: str) -> int:
    """Levels in teaching order (primary, basic, general), not alphabetically."""
    from schools.choices import Level

    order = list(Level.values)
    return order.index(level) if level in order else len(order)
