"""The audit trail as a table (CSV/XLSX through core.exports), in words."""

from __future__ import annotations

from django.utils.translation import gettext as _

from oversight.presenters import describe
from oversight.selectors import with_subjects

CHUNK = 1000


def audit_export_rows(queryset) -> dict:
    headers = [_("seq"), _("when"), _("who"), _("action"), _("action code"), _("object"), _("object type"), _("object id"),
               _("from"), _("to"), _("reason"), _("changes"), _("details"), _("hash")]

    def rows():
        batch = []
        for event in queryset.iterator(chunk_size=CHUNK):
            batch.append(event)
            if len(batch) == CHUNK:
                yield from _render(batch)
                batch = []
        yield from _render(batch)

    def _render(batch):
        for event in with_subjects(batch):
            words = describe(event)
            yield [event.seq, event.created_at, event.actor.username if event.actor_id else "", words.action, event.action,
                   words.subject, f"{event.content_type.app_label}.{event.content_type.model}", event.object_id,
                   event.from_label, event.to_label, event.reason,
                   "; ".join(f"{name}: {old} → {new}" for name, old, new in words.changes),
                   "; ".join(f"{key}: {value}" for key, value in words.details), event.hash]

    return {"headers": headers, "rows": rows()}
