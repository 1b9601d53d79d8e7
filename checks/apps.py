from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "checks"
    verbose_name = _("Checks")

    def ready(self):
        from checks.choices import CheckRunEvent, FindingEvent
        from core.audit_actions import register_event_types

        register_event_types(CheckRunEvent, FindingEvent)
        from checks import receivers  # noqa: F401 - connects the signal receivers
