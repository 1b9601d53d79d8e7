"""The row lock every review step of an act starts with (line decisions, inspection, acceptance, return)."""

from __future__ import annotations

from acts.models import Act
from core.workflow import transition_check


def lock_for_review(act: Act, actor, action: str, reason: str = "") -> Act:
    """The act locked, once ``actor`` may take the review ``action`` on it now (permission, status, reason)."""
    locked = Act.objects.select_for_update(of=("self",)).select_related("contract__order").get(pk=act.pk)
    transition_check(obj=locked, transitions=Act.TRANSITIONS, action=action, actor=actor, reason=reason)
    return locked
