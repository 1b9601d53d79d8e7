from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self):
        from accounts import receivers  # noqa: F401 - connects the sign-in signals to the audit trail
        from accounts.choices import ApiTokenEvent, DepartmentEvent, SignInEvent, UserEvent
        from core.audit_actions import register_event_types

        register_event_types(ApiTokenEvent, DepartmentEvent, SignInEvent, UserEvent)
