import pytest
from django.db import DataError, InternalError, ProgrammingError, transaction

from core.models import AuditEvent
from core.services import audit_record


@pytest.mark.django_db
class AuditEventTests:
    def test_audit_events_cannot_be_updated_or_deleted(self, operator_user):
        event = audit_record(actor=operator_user, action="probe", subject=operator_user, reason="test")
        for statement in (
            lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten"),
            lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        ):
            with pytest.raises((InternalError, ProgrammingError, DataError)), transaction.atomic():
                statement()
        event.refresh_from_db()
        assert event.reason == "test"
