from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement oversight")

    def ready(self):
        from core.audit_actions import register_event_types
        from procurement.choices import ProcurementEvent

        register_event_types(ProcurementEvent)
