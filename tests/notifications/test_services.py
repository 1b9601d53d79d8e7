"""Notifications are stored once per event and user, follow each user's preferences, and are e-mailed once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db.models import Q

from notifications import services
from notifications.choices import DeliveryState, EmailMode, NotificationKind
from notifications.models import Digest, Notification, NotificationPreference
from notifications.tasks import send_digests, send_notification_email

pytestmark = pytest.mark.django_db

KIND = NotificationKind.ACT_ACCEPTED


def tell(user, key="audit:1", kind=KIND):
    return services.notify(kind=kind, key=key, users=Q(pk=user.pk), params={"act": "71-2025-0001/2025-10", "amount": "1500.50"},
                           url_name="acts:list")


@pytest.fixture
def reader(school_user):
    school_user.email = "school@example.kz"
    school_user.save(update_fields=["email"])
    return school_user


class NotifyTests:
    def test_telling_the_same_event_twice_stores_it_once(self, reader):
        first = tell(reader)
        again = tell(reader)
        assert len(first) == 1 and again == []
        assert Notification.objects.filter(user=reader).count() == 1

    def test_the_database_refuses_a_second_row_for_one_event_and_user(self, reader):
        from django.db import IntegrityError, transaction

        tell(reader)
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(user=reader, kind=KIND, key="audit:1")

    def test_an_immediate_email_is_queued_after_commit_only(self, reader, django_capture_on_commit_callbacks, tasks_sent):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            (pk,) = tell(reader)
        assert tasks_sent == []
        for callback in callbacks:
            callback()
        assert tasks_sent == [(send_notification_email.name, (pk,))]
        assert Notification.objects.get(pk=pk).email_state == DeliveryState.PENDING


class PreferencesTests:
    def test_no_inbox_and_no_email_means_nothing_is_stored(self, reader):
        services.preferences_update(actor=reader, choices={KIND: (False, EmailMode.OFF)})
        assert tell(reader) == []

    def test_email_only_is_stored_out_of_the_inbox(self, reader):
        services.preferences_update(actor=reader, choices={KIND: (False, EmailMode.IMMEDIATELY)})
        (pk,) = tell(reader)
        notification = Notification.objects.get(pk=pk)
        assert (notification.in_inbox, notification.email_state) == (False, DeliveryState.PENDING)

    def test_daily_means_the_digest_and_no_email_at_once(self, reader):
        services.preferences_update(actor=reader, choices={KIND: (True, EmailMode.DAILY)})
        (pk,) = tell(reader)
        notification = Notification.objects.get(pk=pk)
        assert (notification.email_state, notification.digest_state) == (DeliveryState.NONE, DeliveryState.PENDING)

    def test_a_user_without_an_email_address_gets_the_inbox_only(self, school_user):
        (pk,) = tell(school_user)
        notification = Notification.objects.get(pk=pk)
        assert (notification.in_inbox, notification.email_state, notification.digest_state) == (True, "", "")

    def test_new_findings_are_not_emailed_by_default(self, reader):
        (pk,) = tell(reader, kind=NotificationKind.NEW_FINDINGS)
        assert Notification.objects.get(pk=pk).email_state == DeliveryState.NONE

    def test_one_users_choice_does_not_change_anothers(self, reader, other_school_user):
        other_school_user.email = "b@example.kz"
        other_school_user.save(update_fields=["email"])
        services.preferences_update(actor=reader, choices={KIND: (True, EmailMode.OFF)})
        services.notify(kind=KIND, key="audit:9", users=Q(pk__in=[reader.pk, other_school_user.pk]))
        states = dict(Notification.objects.values_list("user_id", "email_state"))
        assert states == {reader.pk: "", other_school_user.pk: DeliveryState.PENDING}

    def test_an_unknown_choice_is_refused_and_changes_nothing(self, reader):
        from core.errors import DomainError

        with pytest.raises(DomainError):
            services.preferences_update(actor=reader, choices={KIND: (True, EmailMode.OFF), "nonsense": (True, "off")})
        assert not NotificationPreference.objects.exists()

    def test_a_change_of_preferences_is_audited(self, reader):
        from core.models import AuditEvent

        services.preferences_update(actor=reader, choices={KIND: (True, EmailMode.DAILY)})
        services.preferences_update(actor=reader, choices={KIND: (True, EmailMode.DAILY)})  # no change: no event
        events = AuditEvent.objects.filter(action="notification_preferences_changed")
        assert events.count() == 1 and events.get().data == {"changed": {KIND: [True, "daily"]}}


class EmailTests:
    def test_the_email_task_run_twice_sends_one_message(self, reader):
        (pk,) = tell(reader)
        assert send_notification_email(pk) is True
        assert send_notification_email(pk) is False
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["school@example.kz"]
        assert "71-2025-0001/2025-10" in message.body and "/kk/acts/" in message.body
        notification = Notification.objects.get(pk=pk)
        assert notification.email_state == DeliveryState.SENT and notification.emailed_at is not None

    def test_a_mail_server_failure_is_recorded_and_never_retried(self, reader, monkeypatch):
        from django.core.mail import EmailMessage

        def refuse(self, *args, **kwargs):
            raise OSError("connection refused")

        (pk,) = tell(reader)
        monkeypatch.setattr(EmailMessage, "send", refuse)
        assert send_notification_email(pk) is False
        monkeypatch.undo()
        assert send_notification_email(pk) is False
        assert Notification.objects.get(pk=pk).email_state == DeliveryState.FAILED
        assert mail.outbox == []


class DigestTests:
    def test_the_daily_digest_gathers_the_days_notifications_in_one_email_once(self, reader, other_school_user):
        services.preferences_update(actor=reader, choices={KIND: (True, EmailMode.DAILY)})
        tell(reader, key="audit:1")
        tell(reader, key="audit:2")
        assert send_digests() == 1
        assert send_digests() == 0
        assert len(mail.outbox) == 1
        assert mail.outbox[0].body.count("71-2025-0001/2025-10") == 4  # two notifications, in Kazakh and Russian
        assert set(Notification.objects.values_list("digest_state", flat=True)) == {DeliveryState.SENT}
        assert Digest.objects.get().state == DeliveryState.SENT

    def test_a_notification_after_todays_digest_waits_for_tomorrows(self, reader):
        services.preferences_update(actor=reader, choices={KIND: (True, EmailMode.DAILY)})
        tell(reader, key="audit:1")
        assert services.digest_send(user_id=reader.pk, day=dt.date(2025, 12, 3)) is True
        tell(reader, key="audit:2")
        assert services.digest_send(user_id=reader.pk, day=dt.date(2025, 12, 3)) is False
        assert services.digest_send(user_id=reader.pk, day=dt.date(2025, 12, 4)) is True
        assert len(mail.outbox) == 2


class MarkReadTests:
    def test_a_user_marks_only_their_own_notifications_read(self, reader, other_school_user):
        (mine,) = tell(reader)
        (theirs,) = tell(other_school_user)
        assert services.notifications_mark_read(actor=reader, ids=[mine, theirs]) == 1
        assert Notification.objects.get(pk=theirs).read_at is None
        assert services.notifications_mark_read(actor=reader) == 0
