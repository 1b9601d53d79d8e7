"""The programme workflow (draft → active → closed) is declared on ``Programme.TRANSITIONS``."""

from __future__ import annotations

from programmes.models import Programme

PROGRAMME_TRANSITIONS = Programme.TRANSITIONS


def available_actions(*, programme, user) -> list[str]:
    """Actions ``user`` may take on ``programme`` now (role, status and who manages it)."""
    from programmes.services import may_manage

    if not getattr(user, "is_authenticated", False) or not may_manage(programme=programme, user=user):
        return []
    return [name for name, spec in PROGRAMME_TRANSITIONS.items() if programme.status in spec.sources]
