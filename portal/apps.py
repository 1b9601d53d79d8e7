from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Composite pages that read several apps: the home pages, the navigation, the school dossier."""

    name = "portal"
    verbose_name = "Portal"  # no models: never shown to users
