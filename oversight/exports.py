"""The audit trail as a table (CSV/XLSX through core.exports), in words."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from oversight.presenters import describe
from oversight.selectors import with_subjects

CHUNK = 1000
# An export of the trail covers at most this many days, unless it is narrowed to a subject or a person: the whole
# trail is millions of events (one CSV row each) and grows every day.
EXPORT_MAX_DAYS = 366
NARROWING = ("school", "school_bin", "object_id", "actor")


def audit_export_check(filters) -> None:
    """Refuse (``DomainError``, 400) an export that is neither narrowed to a school, an object or a person nor
    bounded by dates at most ``EXPORT_MAX_DAYS`` apart (``date_from``, and ``date_to`` or today). ``filters``:
    the request's query (the page's and the API's filter names)."""
    from core.models import AuditEvent
    from oversight.filters import AuditEventFilterSet

    if any(str(filters.get(key) or "").strip() for key in NARROWING):
        return
    form = AuditEventFilterSet(filters, queryset=AuditEvent.objects.none()).form
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    start, end = data.get("date_from"), data.get("date_to") or timezone.localdate()
    if start is not None and dt.timedelta(0) <= end - start < dt.timedelta(days=EXPORT_MAX_DAYS):
        return
    raise DomainError(
        _("An export of the audit trail covers at most %(days)s days: choose the dates (from and to), "
          "or narrow it to a school, an object or a person.") % {"days": EXPORT_MAX_DAYS},
        code="export_too_wide", field="date_from")


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
