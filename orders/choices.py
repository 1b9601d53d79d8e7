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


class OrderEvent(models.TextChoices):
    """Audit event types of state orders (``AuditEvent.action``)."""

    CREATED = "order_created", _("State order created")
    UPDATED = "order_updated", _("State order edited")
    PUBLISHED = "order_published", _("State order published")
    CLOSED = "order_closed", _("State order closed")


class ApplicationEvent(models.TextChoices):
    SUBMITTED = "application_submitted", _("Application submitted")
    APPROVED = "application_approved", _("Application approved")
    REJECTED = "application_rejected", _("Application rejected")
    WITHDRAWN = "application_withdrawn", _("Application withdrawn")


class ContractEvent(models.TextChoices):
    CREATED = "contract_created", _("Contract drawn up")
    SIGNED_BY_SCHOOL = "contract_signed_by_school", _("Contract signed by the school")
    SIGNED_BY_DEPARTMENT = "contract_signed_by_department", _("Contract signed by the department")
    SUSPENDED = "contract_suspended", _("Contract suspended")
    RESUMED = "contract_resumed", _("Contract resumed")
    TERMINATED = "contract_terminated", _("Contract terminated")
    CLOSED = "contract_closed", _("Contract closed")


class ContractParty(models.TextChoices):
    SCHOOL = "school", _("School")
    DEPARTMENT = "department", _("Education department")


def level_sort_key(level: str) -> tuple[int, str]:
    """Norm categories in their natural order (levels in teaching order), not alphabetically."""
    from programmes.labels import category_sort_key

    return category_sort_key(level)
