from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "signatures"
    verbose_name = _("Qualified electronic signatures")

    def ready(self):
        from core.audit_actions import register_event_types
        from signatures.choices import SignatureEvent

        register_event_types(SignatureEvent)
        from signatures import signables  # noqa: F401  (registers the signature check)
