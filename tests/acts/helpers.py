"""Shortcuts that walk an act through the workflow with the real services."""

from __future__ import annotations

from acts.choices import LineDecision, LineRejectReason
from acts.services import act_accept, act_build, act_lines_decide, act_partly_accept, act_submit
from tests.acts.conftest import TODAY


def accepted_act(*, contract, month, school_user, department_user, reject_enrolments=(), today=TODAY):
    """Build, submit and accept (partly, when ``reject_enrolments`` are given) the act of ``month``."""
    act = act_build(contract=contract, month=month, actor=school_user, today=today)
    act = act_submit(act=act, actor=school_user, today=today)
    rejections = [
        {"line": act.lines.get(enrolment=e, version=act.version).pk, "reason": LineRejectReason.NOT_TAUGHT}
        for e in reject_enrolments
    ]
    for item in rejections:
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.REJECTED, lines=[item["line"]],
                         reason=item["reason"])
    if act.lines.filter(decision=LineDecision.PENDING).exists():
        act_lines_decide(act=act, actor=department_user, decision=LineDecision.ACCEPTED, selection="pending_payable")
    if rejections:
        return act_partly_accept(act=act, actor=department_user)
    return act_accept(act=act, actor=department_user)
