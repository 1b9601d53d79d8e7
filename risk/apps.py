from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = _("Risk flags")

    def ready(self):
        from core.audit_actions import register_event_types
        from risk import receivers  # noqa: F401 - connects the signal receivers
        from risk.choices import RiskFlagEvent, RiskRunEvent

        register_event_types(RiskRunEvent, RiskFlagEvent)
