from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The monitors' workspace: the audit trail's pages and API, and monitoring cases.

    Layer: above ``acts``, below ``payments`` and ``portal`` (payments asks
    ``oversight.selectors.payment_hold``). A case names its subject (school, contract, act) by content
    type and id.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = _("Oversight")

    def ready(self):
        from core.audit_actions import register_event_types
        from oversight.choices import CaseEvent

        register_event_types(CaseEvent)
