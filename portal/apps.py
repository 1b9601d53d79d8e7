from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Composite pages that read several apps: the home pages, the navigation, the school dossier, the search."""

    name = "portal"
    verbose_name = "Portal"  # no models: never shown to users

    def ready(self):
        from core.audit_actions import register_event_types
        from portal.choices import PortalEvent

        register_event_types(PortalEvent)
