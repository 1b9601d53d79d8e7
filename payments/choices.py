"""Statuses, codes and audit event types of payments, registries, bank confirmations, recoveries and final reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import ColouredChoices


class PaymentStatus(ColouredChoices):
    PREPARED = "prepared", "secondary", pgettext_lazy("payment status", "Prepared")
    APPROVED = "approved", "primary", pgettext_lazy("payment status", "Approved")
    SENT = "sent", "info", pgettext_lazy("payment status", "Sent to the bank")
    PAID = "paid", "success", pgettext_lazy("payment status", "Paid")
    FAILED = "failed", "danger", pgettext_lazy("payment status", "Failed")
    CANCELLED = "cancelled", "dark", pgettext_lazy("payment status", "Cancelled")


# A payment in one of these statuses is "dead": the act may get another (live) payment.
DEAD_PAYMENT_STATUSES = (PaymentStatus.FAILED, PaymentStatus.CANCELLED)


class BankResult(ColouredChoices):
    """The ``status`` column of a bank confirmation file."""

    PAID = "paid", "success", pgettext_lazy("bank result", "Paid")
    FAILED = "failed", "danger", pgettext_lazy("bank result", "Failed")


class ConfirmationStatus(ColouredChoices):
    PREVIEWED = "previewed", "secondary", pgettext_lazy("confirmation status", "Checked, not applied")
    APPLIED = "applied", "success", pgettext_lazy("confirmation status", "Applied")


class RecoveryStatus(ColouredChoices):
    OPEN = "open", "warning", pgettext_lazy("recovery status", "To be offset")
    OFFSET = "offset", "success", pgettext_lazy("recovery status", "Offset")
    CANCELLED = "cancelled", "dark", pgettext_lazy("recovery status", "Cancelled")


class ReportStatus(ColouredChoices):
    DRAFT = "draft", "secondary", pgettext_lazy("report status", "Draft")
    APPROVED = "approved", "primary", pgettext_lazy("report status", "Approved")


class PaymentEvent(models.TextChoices):
    """Audit event types of payments (``AuditEvent.action``)."""

    PREPARED = "payment_prepared", _("Payment prepared")
    APPROVED = "payment_approved", _("Payment approved")
    CANCELLED = "payment_cancelled", _("Payment cancelled")
    EXPORTED = "payment_exported", _("Payment put in a registry for the bank")
    SETTLED = "payment_settled", _("Payment settled without a transfer (fully offset)")
    PAID = "payment_paid", _("Payment confirmed paid by the bank")
    FAILED = "payment_failed", _("Payment failed at the bank")
    REISSUED = "payment_reissued", _("Payment re-issued")


class RegistryEvent(models.TextChoices):
    CREATED = "registry_created", _("Payment registry created")


class BankConfirmationEvent(models.TextChoices):
    UPLOADED = "bank_confirmation_uploaded", _("Bank confirmation uploaded")
    APPLIED = "bank_confirmation_applied", _("Bank confirmation applied")


class RecoveryEvent(models.TextChoices):
    RECORDED = "recovery_recorded", _("Recovery recorded")
    OFFSET = "recovery_offset", _("Recovery offset against payments")
    REOPENED = "recovery_reopened", _("Recovery to be offset again (a payment was cancelled or failed)")
    CANCELLED = "recovery_cancelled", _("Recovery cancelled")


class FinalReportEvent(models.TextChoices):
    PREPARED = "final_report_prepared", _("Final report prepared")
    APPROVED = "final_report_approved", _("Final report approved")
