from django.db import models
from django.utils.translation import pgettext_lazy


class PaymentStatus(models.TextChoices):
    PREPARED = "prepared", pgettext_lazy("payment status", "Prepared")
    APPROVED = "approved", pgettext_lazy("payment status", "Approved")
    SENT = "sent", pgettext_lazy("payment status", "Sent to the bank")
    PAID = "paid", pgettext_lazy("payment status", "Paid")
    FAILED = "failed", pgettext_lazy("payment status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("payment status", "Cancelled")


# A payment in one of these statuses is "dead": the act may get another (live) payment.
DEAD_PAYMENT_STATUSES = (PaymentStatus.FAILED, PaymentStatus.CANCELLED)


class BankResult(models.TextChoices):
    """The ``status`` column of a bank confirmation file."""

    PAID = "paid", pgettext_lazy("bank result", "Paid")
    FAILED = "failed", pgettext_lazy("bank result", "Failed")


class ConfirmationStatus(models.TextChoices):
    PREVIEWED = "previewed", pgettext_lazy("confirmation status", "Checked, not applied")
    APPLIED = "applied", pgettext_lazy("confirmation status", "Applied")


class RecoveryStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("recovery status", "To be offset")
    OFFSET = "offset", pgettext_lazy("recovery status", "Offset")
    CANCELLED = "cancelled", pgettext_lazy("recovery status", "Cancelled")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report status", "Draft")
    APPROVED = "approved", pgettext_lazy("report status", "Approved")
