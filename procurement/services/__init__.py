"""Every state change of procurement (STYLE rules 1–3): keyword-only, atomic, audited services."""

from procurement.services.contracts import (
    ContractInput,
    LineInput,
    contract_close,
    contract_create,
    contract_terminate,
    contract_update,
    line_add,
    line_remove,
    line_update,
)
from procurement.services.deliveries import (
    UnitInput,
    delivery_correct,
    delivery_record,
    unit_accept,
    unit_inspect,
    unit_reject,
)
from procurement.services.flags import flags_search
from procurement.services.importing import procurement_import
from procurement.services.penalties import penalty_cancel, penalty_claim, penalty_mark_paid
from procurement.services.warranty import claim_answer, claim_close, claim_file

__all__ = [
    "ContractInput", "LineInput", "UnitInput",
    "contract_create", "contract_update", "contract_close", "contract_terminate", "line_add", "line_update", "line_remove",
    "procurement_import",
    "delivery_record", "delivery_correct", "unit_inspect", "unit_accept", "unit_reject",
    "penalty_claim", "penalty_mark_paid", "penalty_cancel",
    "claim_file", "claim_answer", "claim_close",
    "flags_search",
]
