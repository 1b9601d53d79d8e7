from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("State orders and contracts")

    def ready(self):
        from core.audit_actions import register_event_types
        from orders.choices import ApplicationEvent, ContractEvent, OrderEvent

        register_event_types(ApplicationEvent, ContractEvent, OrderEvent)
        from orders.signing import register

        register()  # what the parties sign (signatures.registry)
