"""State changes of acts (the only code that writes them).

Each service is keyword-only, takes ``actor=``, runs in one transaction, checks the actor's role
and the current status, and writes its audit event (acts move only through
``core.workflow.transition_apply`` and ``Act.TRANSITIONS``). Payments marks a paid act ``paid``.
"""

from acts.services.building import act_build, act_correct, act_rebuild, act_submit, acts_build_month
from acts.services.inspection import act_line_inspect, act_sample_draw
from acts.services.reviews import act_accept, act_lines_decide, act_partly_accept, act_return

__all__ = [
    "act_accept", "act_build", "act_correct", "act_line_inspect", "act_lines_decide", "act_partly_accept", "act_rebuild",
    "act_return", "act_sample_draw", "act_submit", "acts_build_month",
]
