"""What a notification is about, and how its reader wants e-mail."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationKind(models.TextChoices):
    APPLICATION_DECIDED = "application_decided", _("Application decided")
    CONTRACT_TO_SIGN = "contract_to_sign", _("Contract to sign")
    ACT_RETURNED = "act_returned", _("Act returned for correction")
    ACT_ACCEPTED = "act_accepted", _("Act accepted")
    ACT_PARTLY_ACCEPTED = "act_partly_accepted", _("Act partly accepted")
    PAYMENT_APPROVED = "payment_approved", _("Payment approved")
    PAYMENT_PAID = "payment_paid", _("Payment paid")
    PAYMENT_FAILED = "payment_failed", _("Payment failed")
    RECOVERY_OPENED = "recovery_opened", _("Recovery opened")
    DEADLINE_SOON = "deadline_soon", _("Deadline in 3 days")
    DEADLINE_OVERDUE = "deadline_overdue", _("Deadline passed")
    NEW_FINDINGS = "new_findings", _("New findings of the checks")


class NotificationEvent(models.TextChoices):
    """Audit event types of notifications (``AuditEvent.action``; registered in ``NotificationsConfig.ready``)."""

    PREFERENCES_CHANGED = "notification_preferences_changed", _("Notification preferences changed")


class EmailMode(models.TextChoices):
    OFF = "off", pgettext_lazy("e-mail mode", "No e-mail")
    IMMEDIATELY = "immediately", pgettext_lazy("e-mail mode", "At once")
    DAILY = "daily", pgettext_lazy("e-mail mode", "In the daily digest")


class DeliveryState(models.TextChoices):
    """Where one e-mail stands. ``sending`` is claimed: a retried task never sends it again."""

    NONE = "", pgettext_lazy("delivery state", "Not to be sent")
    PENDING = "pending", pgettext_lazy("delivery state", "To be sent")
    SENDING = "sending", pgettext_lazy("delivery state", "Being sent")
    SENT = "sent", pgettext_lazy("delivery state", "Sent")
    FAILED = "failed", pgettext_lazy("delivery state", "Could not be sent")


# How each kind is e-mailed until the user chooses otherwise. The check run already e-mails its
# summary to the schools and departments concerned (checks.notifications), so new findings go to the
# inbox only; deadlines are gathered in the daily digest.
DEFAULT_EMAIL = {
    NotificationKind.NEW_FINDINGS: EmailMode.OFF,
    NotificationKind.DEADLINE_SOON: EmailMode.DAILY,
    NotificationKind.DEADLINE_OVERDUE: EmailMode.DAILY,
}
DEFAULT_EMAIL_MODE = EmailMode.IMMEDIATELY
