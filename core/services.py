from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder

from core.models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    subject,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append an audit event for ``subject``. Call inside the transaction that made the change.

    ``subject`` may be a model class when the event concerns no stored row (a failed sign-in
    with an unknown username is about "a user", none in particular): its object id is empty.
    """
    payload = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
        object_id="" if isinstance(subject, type) else str(subject.pk),
        from_status=from_status or "",
        to_status=to_status or "",
        reason=reason or "",
        data=payload,
    )
