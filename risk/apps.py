from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = _("Risk flags")

    def ready(self):
        from risk import receivers  # noqa: F401 - connects the signal receivers
