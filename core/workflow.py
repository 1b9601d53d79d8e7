"""Declared transitions for workflow models, applied in one place.

Each workflow model lists its transitions in a ``TRANSITIONS`` table of ``Transition`` entries,
keyed by the action's name — the same name its ``scope`` declares who may take it
(``core.scoping``). A transition says from which statuses the action may be taken, to which status
it moves (``None``: the status stays, for an action that is allowed only in some statuses), the
audit event type it records (a ``TextChoices`` member of the app's ``choices.py``) and whether it
needs a reason.

Whether an action is allowed now is three questions, asked in this order by ``transition_check``:
the permission (``core.scoping.require``: who, on which rows, with the object's conditions such as
four eyes: 403), the status (409 ``invalid_transition``) and the reason (400). Services call
``transition_apply``, which locks the row, asks them, applies the change and writes the audit
event, all inside the caller's transaction.

A status that changes for many rows at once in SQL (findings a run no longer finds, recoveries
offset by payments) is declared here too and the statement is built from its ``Transition``
(``sources``/``target``), so the table stays the one statement of what may happen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import ConflictError, DomainError
from core.scoping import require
from core.services import audit_record


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str | None
    event: str  # the audit event type (a TextChoices member), e.g. ``ActEvent.SUBMITTED``
    reason_required: bool = False

    @property
    def moves(self) -> bool:
        return self.target is not None


def lock(obj):
    """Re-read ``obj`` with a row lock (SELECT … FOR UPDATE); call inside a transaction."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def status_allows(obj, transitions: dict[str, Transition], action: str) -> bool:
    """Whether the status of ``obj`` is one ``action`` may be taken from."""
    return obj.status in transitions[action].sources


def transition_check(*, obj, transitions: dict[str, Transition], action: str, actor, reason: str = "") -> Transition:
    """Refuse unless ``actor`` may take ``action`` on ``obj`` now (permission, status, reason)."""
    spec = transitions[action]
    require(actor, action, obj)
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
    target = spec.target if spec.moves else previous
    locked.status = target
    update_fields = ["status"]
    for name, value in (extra_fields or {}).items():
        setattr(locked, name, value)
        update_fields.append(name)
    if hasattr(locked, "updated_at"):
        update_fields.append("updated_at")
    locked.save(update_fields=update_fields)
    audit_record(
        actor=actor, action=spec.event, subject=locked, from_status=previous, to_status=target,
        reason=reason, data=data,
    )
    return locked


def transition_sql(transitions: dict[str, Transition], action: str) -> tuple[list[str], str]:
    """The sources and the target of ``action`` for a set-based UPDATE (``WHERE status = ANY(sources)``)."""
    spec = transitions[action]
    return [str(source) for source in spec.sources], str(spec.target)
