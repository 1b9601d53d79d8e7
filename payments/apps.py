from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from core.audit_actions import register_event_types
        from payments.choices import BankConfirmationEvent, FinalReportEvent, PaymentEvent, RecoveryEvent, RegistryEvent

        register_event_types(BankConfirmationEvent, FinalReportEvent, PaymentEvent, RecoveryEvent, RegistryEvent)
        from payments import receivers  # noqa: F401 - connects the signal receivers
        from payments.signing import register

        register()  # what an operator signs at each payment step (signatures.registry)
