"""The programme workflow (draft → active → closed) is declared on ``Programme.TRANSITIONS``; who may
take each action is declared with the programme's scope (``core.scoping``)."""

from __future__ import annotations

from core.scoping import allowed_actions
from programmes.models import Programme

PROGRAMME_TRANSITIONS = Programme.TRANSITIONS


def available_actions(*, programme, user) -> list[str]:
    """The status-moving actions ``user`` may take on ``programme`` now (the one decision:
    ``core.scoping.allowed_actions``). Each is an action endpoint and a button."""
    return [name for name in allowed_actions(user, programme)
            if name in PROGRAMME_TRANSITIONS and PROGRAMME_TRANSITIONS[name].moves]


def may_edit(*, programme, user) -> bool:
    """Whether ``user`` may change ``programme`` now (its manager, while it is a draft)."""
    return "change" in allowed_actions(user, programme)
