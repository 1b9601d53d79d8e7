"""Reads of notifications: always the signed-in user's own (an inbox is personal, whatever the role)."""

from __future__ import annotations

from notifications.choices import DEFAULT_EMAIL, DEFAULT_EMAIL_MODE, NotificationKind
from notifications.models import Notification, NotificationPreference


def inbox(*, user, unread_only: bool = False):
    queryset = Notification.objects.filter(user=user, in_inbox=True)
    return queryset.filter(read_at__isnull=True) if unread_only else queryset


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user=user, unread_only=True).count()


def effective_preferences(*, user) -> list[tuple[str, str, bool, str]]:
    """(kind, its words, in the inbox, e-mail mode) for every kind: the user's choice or the default."""
    chosen = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for kind, label in NotificationKind.choices:
        preference = chosen.get(kind)
        rows.append((kind, label, preference.in_inbox if preference else True,
                     preference.email if preference else DEFAULT_EMAIL.get(kind, DEFAULT_EMAIL_MODE)))
    return rows
