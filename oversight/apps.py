from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The monitors' workspace: the audit trail's pages and API, and monitoring cases.

    Layer: above ``orders`` (and the coming ``acts``), below ``payments`` and ``portal``. Subjects of
    cases (school, contract, act) are named by content type and id, never imported.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = _("Oversight")
