"""Declared transitions for workflow models, applied in one place.

Each workflow model lists its transitions in a ``TRANSITIONS`` table of
``Transition`` entries (by action name). Services call ``transition_apply``, which
locks the row, checks the actor's role and the current status, applies the change
and writes the audit event, all inside the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.services import audit_record


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str] = field(default_factory=frozenset)
    reason_required: bool = False


def lock(obj):
    """Re-read ``obj`` with a row lock (SELECT … FOR UPDATE); call inside a transaction."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def transition_check(*, obj, transitions: dict[str, Transition], action: str, actor, reason: str = "") -> Transition:
    spec = transitions[action]
    role = getattr(actor, "role", None)
    if spec.roles and role not in spec.roles:
        raise PermissionDeniedError(_("Your role may not do this."), code="role")
    current = obj.status
    if current not in spec.sources:
        raise ConflictError(
            _("This cannot be done now: the status is “%(status)s”.") % {"status": obj.get_status_display()},
            code="invalid_transition",
            details={"status": current, "action": action},
        )
    if spec.reason_required and not (reason or "").strip():
        raise DomainError(_("A reason is required."), code="reason_required", field="reason")
    return spec


@transaction.atomic
def transition_apply(*, obj, transitions: dict[str, Transition], action: str, actor, reason: str = "",
                     data: dict | None = None, extra_fields: dict | None = None):
    """Lock ``obj``, check and apply ``action``, save and audit. Returns the locked, updated object."""
    locked = lock(obj)
    spec = transition_check(obj=locked, transitions=transitions, action=action, actor=actor, reason=reason)
    previous = locked.status
    locked.status = spec.target
    update_fields = ["status"]
    for name, value in (extra_fields or {}).items():
        setattr(locked, name, value)
        update_fields.append(name)
    if hasattr(locked, "updated_at"):
        update_fields.append("updated_at")
    locked.save(update_fields=update_fields)
    audit_record(
        actor=actor, action=action, subject=locked, from_status=previous, to_status=spec.target,
        reason=reason, data=data,
    )
    return locked
