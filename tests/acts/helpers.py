"""Shortcuts that walk an act through the workflow with the real services."""

from __future__ import annotations

from acts.choices import InspectionResult, LineDecision, LineRejectReason
from acts.models import InspectionItem
from acts.services import (
    act_accept,
    act_build,
    act_line_inspect,
    act_lines_decide,
    act_partly_accept,
    act_sample_draw,
    act_submit,
)
from tests.acts.conftest import TODAY


def inspect_sample(*, act, department_user, result: str = InspectionResult.PRESENT, note: str = "") -> int:
    """Draw the act's inspection sample and record ``result`` for every sampled line; returns how many."""
    sample = act_sample_draw(act=act, actor=department_user)
    items = list(InspectionItem.objects.filter(sample=sample).values_list("line_id", flat=True))
    for line in items:
        act_line_inspect(act=act, actor=department_user, line=line, result=result, note=note)
    return len(items)


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
    inspect_sample(act=act, department_user=department_user)
    if rejections:
        return act_partly_accept(act=act, actor=department_user)
    return act_accept(act=act, actor=department_user)
