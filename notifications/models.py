"""A user's notifications, their e-mail preferences and the daily digests.

Each notification is one event for one user: ``(user, key)`` is unique in the database, so
whatever creates it twice (a retried task, the sweep after a lost message) creates it once. An
e-mail is sent at most once: a task claims it (``pending`` → ``sending``) in one UPDATE before it
sends, and only the task whose UPDATE changed the row sends.

Notifications are personal: the selectors show a user their own and nobody else's (no region or
school scoping applies; an operator does not read other people's inboxes).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.choices import DeliveryState, EmailMode, NotificationKind

USER = settings.AUTH_USER_MODEL


class Notification(models.Model):
    user = models.ForeignKey(USER, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    # What it is about, unique per user: "audit:<event id>", "findings:<run>:school:<id>", "due:act:<contract>:<month>" …
    key = models.CharField(_("key"), max_length=120)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url_name = models.CharField(max_length=80, blank=True)
    url_args = models.JSONField(default=list, blank=True)
    url_query = models.CharField(max_length=200, blank=True)
    in_inbox = models.BooleanField(_("shown in the inbox"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(_("e-mail"), max_length=10, choices=DeliveryState.choices, blank=True,
                                   default=DeliveryState.NONE)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    digest_state = models.CharField(_("daily digest"), max_length=10, choices=DeliveryState.choices, blank=True,
                                    default=DeliveryState.NONE)
    digest = models.ForeignKey("Digest", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event_and_user"),
            models.CheckConstraint(condition=~Q(email_state=DeliveryState.SENT) | Q(emailed_at__isnull=False),
                                   name="notification_sent_has_time"),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread", condition=Q(read_at__isnull=True, in_inbox=True)),
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),  # the inbox's keyset order
            models.Index(fields=["digest_state"], name="notification_digest_pending",
                         condition=Q(digest_state=DeliveryState.PENDING)),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.key}"


class NotificationPreference(models.Model):
    """How one user wants one kind of notification; no row = the defaults (``choices.DEFAULT_EMAIL``)."""

    user = models.ForeignKey(USER, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    in_inbox = models.BooleanField(_("in the inbox"), default=True)
    email = models.CharField(_("e-mail"), max_length=12, choices=EmailMode.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.in_inbox}/{self.email}"


class Digest(models.Model):
    """The daily digest of one user for one day: one row, so a retried task never sends it twice."""

    user = models.ForeignKey(USER, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    state = models.CharField(_("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.SENDING)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_user_and_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
