"""Every audit action in words: the registry pages, the API and exports use to show history.

An audit event type is a member of a ``TextChoices`` class in its app's ``choices.py``, named
``<entity>_<past participle>`` (``ActEvent.SUBMITTED = "act_submitted"``); services pass the member
to ``audit_record`` and transition tables name it (``Transition(event=…)``), never a bare string.
Each app registers its event types in its ``AppConfig.ready`` with ``register_event_types``.

Audit rows already written keep the action they were written with, forever (the trail is
append-only). The strings used before the event types were declared as choices are listed in
``LEGACY_ACTION_LABELS`` so that old history is shown in words too; they are never written again.
``tests/core/test_audit_actions.py`` reads the code base and fails when an action passed to
``audit_record``, ``AuditEvent`` or a transition table is not a registered choice, and when an
action (current or legacy) has no Kazakh or Russian label. No app is imported here: the apps
above core hand their choices in.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

# Actions recorded before the event types were choices (the keys of the transition tables, which
# were the audit actions then). Kept for the rows that carry them; no code writes them any more.
LEGACY_ACTION_LABELS = {
    # state orders, applications, contracts
    "publish": pgettext_lazy("audit action", "Published"),
    "close": pgettext_lazy("audit action", "Closed"),
    "approve": pgettext_lazy("audit action", "Approved"),
    "reject": pgettext_lazy("audit action", "Rejected"),
    "withdraw": pgettext_lazy("audit action", "Withdrawn"),
    "sign_school": pgettext_lazy("audit action", "Signed by the school"),
    "sign_department": pgettext_lazy("audit action", "Signed by the department"),
    "suspend": pgettext_lazy("audit action", "Suspended"),
    "resume": pgettext_lazy("audit action", "Resumed"),
    "terminate": pgettext_lazy("audit action", "Terminated"),
    # acts
    "rebuild": pgettext_lazy("audit action", "Act rebuilt"),
    "submit": pgettext_lazy("audit action", "Submitted"),
    "accept": pgettext_lazy("audit action", "Accepted"),
    "partly_accept": pgettext_lazy("audit action", "Partly accepted"),
    "return": pgettext_lazy("audit action", "Returned for correction"),
    "correct": pgettext_lazy("audit action", "Correction started"),
    "mark_paid": pgettext_lazy("audit action", "Marked paid"),
    # payments, recoveries
    "cancel": pgettext_lazy("audit action", "Cancelled"),
    "export": pgettext_lazy("audit action", "Exported to a registry"),
    "settle": pgettext_lazy("audit action", "Settled without transfer"),
    "confirm_paid": pgettext_lazy("audit action", "Confirmed paid by the bank"),
    "confirm_failed": pgettext_lazy("audit action", "Payment failed at the bank"),
}

EVENT_TYPES: list[type[models.TextChoices]] = []


def register_event_types(*choices: type[models.TextChoices]) -> None:
    """An app's event types (``TextChoices``: value = action, label = its words) join the registry."""
    for choice in choices:
        if choice not in EVENT_TYPES:
            EVENT_TYPES.append(choice)


def current_actions() -> dict[str, object]:
    """The actions code may write now: every registered event type, with its label."""
    labels: dict[str, object] = {}
    for choice in EVENT_TYPES:
        for member in choice:
            if member.value in labels or member.value in LEGACY_ACTION_LABELS:
                raise ValueError(f"audit action {member.value!r} is declared twice")
            labels[member.value] = member.label
    return labels


def action_labels() -> dict[str, object]:
    """Every action's lazy label: the registered event types and the legacy strings."""
    return {**LEGACY_ACTION_LABELS, **current_actions()}


def action_label(action: str) -> str:
    """The translated label of ``action`` (the raw string if it has none)."""
    label = action_labels().get(action)
    return str(label) if label is not None else action


def action_choices() -> list[tuple[str, str]]:
    """(action, label) pairs for a filter, sorted by label in the active language."""
    return sorted(((key, str(label)) for key, label in action_labels().items()), key=lambda item: item[1])


def is_event_type(value) -> bool:
    """Whether ``value`` is a member of a registered event type (what ``audit_record`` accepts)."""
    return any(isinstance(value, choice) for choice in EVENT_TYPES)

