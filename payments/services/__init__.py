"""State changes of acts, payments, recoveries and final reports (the only code that writes them).

Each service is keyword-only, takes ``actor=``, runs in one transaction, checks the actor's role
and the current status, and writes its audit event (workflow models move only through
``core.workflow.transition_apply`` and their ``TRANSITIONS`` table).
"""

from payments.services.acts import act_build, act_correct, act_rebuild, act_submit, acts_build_month
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
from payments.services.reviews import act_accept, act_lines_decide, act_partly_accept, act_return

__all__ = [
    "CONFIRMATION_COLUMNS", "CONFIRMATION_OPTIONAL",
    "act_accept", "act_build", "act_correct", "act_lines_decide", "act_partly_accept", "act_rebuild", "act_return",
    "act_submit", "acts_build_month",
    "confirmation_apply", "confirmation_check", "confirmation_upload",
    "final_report_approve", "final_report_prepare",
    "payment_approve", "payment_cancel", "payment_prepare", "payment_reissue",
    "recoveries_detect", "recoveries_detect_enqueue", "recovery_cancel",
    "registry_create",
]
