from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "signatures"
    verbose_name = _("Qualified electronic signatures")

    def ready(self):
        from signatures import signables  # noqa: F401  (registers the signature check)
