from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        from core.audit_actions import register_event_types
        from opendata import receivers  # noqa: F401 - connects the signal receivers
        from opendata.choices import OpenDataEvent

        register_event_types(OpenDataEvent)
