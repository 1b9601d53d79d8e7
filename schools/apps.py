from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = _("Schools")

    def ready(self):
        from core.audit_actions import register_event_types
        from schools.choices import SchoolEvent

        register_event_types(SchoolEvent)
