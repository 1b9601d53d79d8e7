import pytest
from django.db import DataError, InternalError, ProgrammingError, transaction

from accounts.choices import UserEvent
from checks.choices import CheckRunEvent
from core.models import AuditEvent
from core.services import audit_record


@pytest.mark.django_db
class AuditEventTests:
    def test_audit_events_cannot_be_updated_or_deleted(self, operator_user):
        event = audit_record(actor=operator_user, action=UserEvent.UPDATED, subject=operator_user, reason="test")
        for statement in (
            lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten"),
            lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        ):
            with pytest.raises((InternalError, ProgrammingError, DataError)), transaction.atomic():
                statement()
        event.refresh_from_db()
        assert event.reason == "test"

    def test_audit_events_show_translated_status_labels(self, operator_user):
        from django.utils import translation

        from checks.models import CheckRun

        run = CheckRun.objects.create(check_date="2025-11-20", trigger="command")
        event = audit_record(actor=operator_user, action=CheckRunEvent.FAILED, subject=run, from_status="running", to_status="failed")
        with translation.override("ru"):
            assert (event.from_label, event.to_label) == ("Выполняется", "Завершено с ошибкой")
        plain = audit_record(actor=operator_user, action=UserEvent.UPDATED, subject=operator_user, to_status="whatever")
        assert plain.to_label == "whatever"  # a subject without a status keeps the raw value
