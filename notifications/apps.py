from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The inbox, e-mails and the daily digest: reacts to what the apps below record, imported by none of them."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from core.audit_actions import register_event_types
        from notifications.choices import NotificationEvent

        register_event_types(NotificationEvent)
        from notifications import receivers  # noqa: F401 - connects the receivers
