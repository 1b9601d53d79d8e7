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


def level_sort_key(level: str) -> tuple[int, str]:
    """Norm categories in their natural order (levels in teaching order), not alphabetically."""
    from programmes.labels import category_sort_key

    return category_sort_key(level)
