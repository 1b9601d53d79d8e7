"""State changes of payments, registries, bank confirmations, recoveries and final reports (the only
code that writes them).

Each service is keyword-only, takes ``actor=``, runs in one transaction, checks the actor's role
and the current status, and writes its audit event (workflow models move only through
``core.workflow.transition_apply`` and their ``TRANSITIONS`` table).
"""

from payments.services.bank import (
    CONFIRMATION_COLUMNS,
    CONFIRMATION_OPTIONAL,
    confirmation_apply,
    confirmation_check,
    confirmation_upload,
)
from payments.services.payments import (
    payment_approve,
    payment_cancel,
    payment_prepare,
    payment_reissue,
    registry_create,
)
from payments.services.recoveries import recoveries_detect, recoveries_detect_enqueue, recovery_cancel
from payments.services.reports import final_report_approve, final_report_prepare

__all__ = [
    "CONFIRMATION_COLUMNS", "CONFIRMATION_OPTIONAL",
    "confirmation_apply", "confirmation_check", "confirmation_upload",
    "final_report_approve", "final_report_prepare",
    "payment_approve", "payment_cancel", "payment_prepare", "payment_reissue",
    "recoveries_detect", "recoveries_detect_enqueue", "recovery_cancel",
    "registry_create",
]
