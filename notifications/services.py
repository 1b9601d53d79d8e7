"""Creating, e-mailing, digesting and reading notifications.

* ``notify`` creates one notification per user with one INSERT … SELECT (preferences joined in
  SQL) and ``ON CONFLICT (user, key) DO NOTHING``: an event told twice is stored once;
* ``notification_email_send`` and ``digest_send`` claim before they send (an UPDATE from
  ``pending``, a ``Digest`` row unique per user and day), so a task run twice sends once;
* ``notifications_mark_read`` and ``preferences_update`` are the user's own changes.

Marking read is not audited (it changes nobody's rights or money); a change of preferences is.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.outbox import enqueue
from core.services import audit_record
from notifications.choices import (
    DEFAULT_EMAIL,
    DEFAULT_EMAIL_MODE,
    DeliveryState,
    EmailMode,
    NotificationEvent,
    NotificationKind,
)
from notifications.models import Digest, Notification, NotificationPreference

logger = logging.getLogger(__name__)

EMAIL_LANGUAGES = ("kk", "ru")

INSERT_SQL = """
INSERT INTO notifications_notification
       (user_id, kind, key, params, url_name, url_args, url_query, in_inbox, created_at, email_state, digest_state)
SELECT u.id, %(kind)s, %(key)s, %(params)s::jsonb, %(url_name)s, %(url_args)s::jsonb, %(url_query)s,
       COALESCE(p.in_inbox, TRUE), now(),
       CASE WHEN u.email <> '' AND COALESCE(p.email, %(default)s) = %(immediately)s THEN %(pending)s ELSE '' END,
       CASE WHEN u.email <> '' AND COALESCE(p.email, %(default)s) = %(daily)s THEN %(pending)s ELSE '' END
  FROM accounts_user u
  LEFT JOIN notifications_notificationpreference p ON p.user_id = u.id AND p.kind = %(kind)s
 WHERE u.id = ANY(%(users)s)
   AND (COALESCE(p.in_inbox, TRUE) OR COALESCE(p.email, %(default)s) <> %(off)s)
    ON CONFLICT (user_id, key) DO NOTHING
RETURNING id, email_state
"""


def default_email(kind: str) -> str:
    return DEFAULT_EMAIL.get(kind, DEFAULT_EMAIL_MODE)


def notify(*, kind: str, key: str, users: Q, params: dict | None = None, url_name: str = "",
           url_args: Iterable = (), url_query: str = "") -> list[int]:
    """Tell the users matching ``users`` (a Q on accounts.User) about one event; returns the new rows' ids.

    Idempotent: a (user, key) pair already told is skipped. The e-mails of the new rows to be sent
    at once are queued after the transaction commits.
    """
    from accounts.models import User

    if kind not in NotificationKind.values:
        raise ValueError(kind)
    user_ids = list(User.objects.filter(users).values_list("id", flat=True))
    if not user_ids:
        return []
    values = {
        "users": user_ids,
        "kind": kind, "key": key[:120], "params": json.dumps(params or {}, cls=DjangoJSONEncoder),
        "url_name": url_name, "url_args": json.dumps(list(url_args)), "url_query": url_query,
        "default": default_email(kind), "immediately": EmailMode.IMMEDIATELY, "daily": EmailMode.DAILY,
        "off": EmailMode.OFF, "pending": DeliveryState.PENDING,
    }
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, values)
        created = cursor.fetchall()
    to_email = [pk for pk, state in created if state == DeliveryState.PENDING]
    if to_email:
        _enqueue_emails(to_email)
    return [pk for pk, _state in created]


def _enqueue_emails(ids: list[int]) -> None:
    from notifications.tasks import send_notification_email

    for pk in ids:
        enqueue(send_notification_email, pk)


# --- e-mail ------------------------------------------------------------------------------------


def _render(template: str, context: dict) -> tuple[str, str]:
    """Subject and body in Kazakh and Russian, one after the other (as the check-run e-mails)."""
    subjects, bodies = [], []
    for language in EMAIL_LANGUAGES:
        with translation.override(language):
            text = render_to_string(template, context).strip()
            subject, _sep, body = text.partition("\n")
            subjects.append(subject.strip())
            bodies.append(body.strip())
    return " / ".join(subjects), "\n\n— — —\n\n".join(bodies)


def _texts(notifications: list[Notification]) -> list[dict]:
    """Each notification's words (printed in the language being rendered) and its page (the Kazakh one)."""
    from notifications.texts import notification_link, notification_text

    return [{"text": _LazyText(notification_text, n), "kind": _LazyText(lambda x: x.get_kind_display(), n),
             "link": settings.SITE_URL.rstrip("/") + _LazyText(notification_link, n, language="kk").value()}
            for n in notifications]


class _LazyText:
    """Rendered in the language active when the template prints it."""

    def __init__(self, function, notification, language: str | None = None):
        self.function, self.notification, self.language = function, notification, language

    def value(self) -> str:
        if self.language:
            with translation.override(self.language):
                return str(self.function(self.notification))
        return str(self.function(self.notification))

    def __str__(self) -> str:
        return self.value()


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification at most once: only the call that claims it (pending → sending) sends."""
    claimed = Notification.objects.filter(pk=notification_id, email_state=DeliveryState.PENDING).update(
        email_state=DeliveryState.SENDING)
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    subject, body = _render("notifications/email_one.txt", {"entries": _texts([notification])})
    try:
        EmailMessage(subject, body, to=[notification.user.email]).send()
    except Exception:  # noqa: BLE001 - a mail server down: record it, never send twice
        logger.exception("notification %s: the e-mail could not be sent", notification_id)
        Notification.objects.filter(pk=notification_id).update(email_state=DeliveryState.FAILED)
        return False
    Notification.objects.filter(pk=notification_id).update(email_state=DeliveryState.SENT, emailed_at=timezone.now())
    return True


def digest_send(*, user_id: int, day: dt.date) -> bool:
    """The daily digest of one user: every notification waiting for it, in one e-mail, at most once a day."""
    from accounts.models import User

    with transaction.atomic():
        digest, created = Digest.objects.get_or_create(user_id=user_id, day=day)
        if not created:
            return False
        claimed = Notification.objects.filter(user_id=user_id, digest_state=DeliveryState.PENDING).update(
            digest_state=DeliveryState.SENDING, digest=digest)
        if not claimed:
            digest.state = DeliveryState.NONE
            digest.save(update_fields=["state"])
            return False
    user = User.objects.get(pk=user_id)
    notifications = list(Notification.objects.filter(digest=digest).order_by("created_at", "id"))
    subject, body = _render("notifications/email_digest.txt", {"entries": _texts(notifications), "day": day,
                                                               "count": len(notifications)})
    try:
        EmailMessage(subject, body, to=[user.email]).send()
    except Exception:  # noqa: BLE001
        logger.exception("digest %s: the e-mail could not be sent", digest.pk)
        Digest.objects.filter(pk=digest.pk).update(state=DeliveryState.FAILED)
        Notification.objects.filter(digest=digest).update(digest_state=DeliveryState.FAILED)
        return False
    now = timezone.now()
    Digest.objects.filter(pk=digest.pk).update(state=DeliveryState.SENT, sent_at=now)
    Notification.objects.filter(digest=digest).update(digest_state=DeliveryState.SENT)
    return True


# --- the user's own changes ----------------------------------------------------------------------


def notifications_mark_read(*, actor, ids: Iterable[int] | None = None) -> int:
    """Mark ``actor``'s notifications read (``ids`` None: all of them); returns how many changed."""
    queryset = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())


@transaction.atomic
def preferences_update(*, actor, choices: dict[str, tuple[bool, str]]) -> None:
    """Set how ``actor`` wants each kind: {kind: (in the inbox, e-mail mode)}; unknown values are refused."""
    for kind, (_in_inbox, email) in choices.items():
        if kind not in NotificationKind.values:
            raise DomainError(_("Unknown kind of notification."), code="unknown_kind")
        if email not in EmailMode.values:
            raise DomainError(_("Unknown e-mail choice."), code="unknown_email_mode")
    before = {p.kind: (p.in_inbox, p.email) for p in NotificationPreference.objects.filter(user=actor)}
    for kind, (in_inbox, email) in choices.items():
        NotificationPreference.objects.update_or_create(user=actor, kind=kind,
                                                        defaults={"in_inbox": bool(in_inbox), "email": email})
    changed = {kind: [bool(in_inbox), email] for kind, (in_inbox, email) in choices.items()
               if before.get(kind) != (bool(in_inbox), email)}
    if changed:
        audit_record(actor=actor, action=NotificationEvent.PREFERENCES_CHANGED, subject=actor, data={"changed": changed})
