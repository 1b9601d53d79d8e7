from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self):
        from accounts.choices import DepartmentEvent, UserEvent
        from core.audit_actions import register_event_types

        register_event_types(DepartmentEvent, UserEvent)
