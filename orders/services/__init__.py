"""Every state change of orders, applications and contracts (STYLE rules 1–3)."""

from orders.services.applications import (
    application_approve,
    application_reject,
    application_submit,
    application_withdraw,
    ensure_school_may_apply,
)
from orders.services.contracts import (
    contract_close,
    contract_create,
    contract_resume,
    contract_sign,
    contract_suspend,
    contract_terminate,
)
from orders.services.state_orders import LevelInput, OrderInput, order_close, order_create, order_publish, order_update

__all__ = [
    "LevelInput", "OrderInput",
    "order_create", "order_update", "order_publish", "order_close",
    "application_submit", "application_withdraw", "application_approve", "application_reject", "ensure_school_may_apply",
    "contract_create", "contract_sign", "contract_suspend", "contract_resume", "contract_terminate", "contract_close",
]
