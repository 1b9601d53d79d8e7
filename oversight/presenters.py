"""An audit event in words: the action's label, the subject, the status before → after, and what
changed (``data["changes"]`` as {field: [old, new]}, or ``data["before"]`` / ``data["after"]``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.audit_actions import action_label


@dataclass(frozen=True)
class EventWords:
    action: str
    subject_type: str
    subject: str
    status: str  # "from → to", "→ to", or ""
    changes: list[tuple[str, str, str]]
    details: list[tuple[str, str]]

    def sentence(self) -> str:
        parts = [self.action, f"{self.subject_type} {self.subject}".strip()]
        if self.status:
            parts.append(self.status)
        parts += [f"{name}: {old} → {new}" for name, old, new in self.changes]
        return "; ".join(part for part in parts if part)


def _value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_value(item)}" for key, item in value.items())
    return str(value)


def _changes(data: dict) -> list[tuple[str, str, str]]:
    found = []
    changes = data.get("changes")
    if isinstance(changes, dict):
        for name, pair in changes.items():
            if isinstance(pair, (list, tuple)) and len(pair) == 2:
                found.append((str(name), _value(pair[0]), _value(pair[1])))
    before, after = data.get("before"), data.get("after")
    if isinstance(after, dict):
        before = before if isinstance(before, dict) else {}
        for name in after:
            if before.get(name) != after.get(name):
                found.append((str(name), _value(before.get(name)), _value(after.get(name))))
    return found


def describe(event) -> EventWords:
    model = event.content_type.model_class()
    subject_type = str(model._meta.verbose_name) if model is not None else event.content_type.model
    subject = getattr(event, "loaded_subject", None)
    subject_text = f"#{event.object_id}" + (f" {subject}" if subject is not None else "")
    status = ""
    if event.from_status or event.to_status:
        status = f"{event.from_label or '—'} → {event.to_label or '—'}" if event.from_status else f"→ {event.to_label}"
    data = event.data if isinstance(event.data, dict) else {}
    details = [(str(key), _value(value)) for key, value in data.items() if key not in ("changes", "before", "after")]
    return EventWords(action=action_label(event.action), subject_type=subject_type, subject=subject_text, status=status,
                      changes=_changes(data), details=details)
