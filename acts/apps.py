from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActsConfig(AppConfig):
    name = "acts"
    verbose_name = _("Acts")

    def ready(self):
        from acts.choices import ActEvent, InspectionEvent
        from core.audit_actions import register_event_types

        register_event_types(ActEvent, InspectionEvent)
        from acts.signing import register

        register()  # what submission and acceptance sign (signatures.registry)
