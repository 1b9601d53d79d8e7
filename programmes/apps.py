from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Funding programmes")

    def ready(self):
        from core.audit_actions import register_event_types
        from programmes.choices import ProgrammeEvent

        register_event_types(ProgrammeEvent)
