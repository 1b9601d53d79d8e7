from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
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

    ``action`` is a registered event type (``core.audit_actions``), never a bare string.
    ``subject`` may be a model class when the event concerns no stored row (a failed sign-in
    with an unknown username is about "a user", none in particular): its object id is empty.
    The region of the subject (when its model's scope names one) is recorded with the event
    (``core.audit_places``, with its school); every other writer of events does the same.
    """
    from core.audit_actions import is_event_type

    if not is_event_type(action):
        raise ImproperlyConfigured(f"audit action {action!r} is not a registered event type (core.audit_actions)")
    from core.audit_places import record_places

    payload = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
        object_id="" if isinstance(subject, type) else str(subject.pk),
        from_status=from_status or "",
        to_status=to_status or "",
        reason=reason or "",
        data=payload,
    )
    record_places([event])  # its region and school, for the trail (core.audit_places)
    return event


# --- Published heads of the audit chain ---------------------------------------------------------


def audit_head_publish(*, day=None, moment=None):
    """Publish the chain head as it stood at the end of ``day`` (or at ``moment``; default: now, dated today).

    Idempotent: a head already published (same ``seq``) is returned as it is. Returns None while the
    chain is empty. The timestamp (when ``AUDIT_TSA_URL`` is set) is asked after the row is saved
    (``audit_head_seal``), so that an unreachable authority never loses a publication.
    """
    import datetime as dt

    from django.utils import timezone

    from core.audit_chain import day_end, head_at
    from core.models import PublishedHead

    if day is not None:
        moment = min(day_end(day), timezone.now())
    else:
        moment = moment or timezone.now()
        day = timezone.localtime(moment - dt.timedelta(microseconds=1)).date()
    head = head_at(moment)
    if head is None:
        return None
    seq, hash_value = head
    published, _created = PublishedHead.objects.get_or_create(seq=seq, defaults={"day": day, "hash": hash_value})
    return published


def audit_head_seal(*, published) -> bool:
    """Ask the timestamp authority to seal ``published`` (once); True when it is sealed."""
    from django.conf import settings
    from django.utils import timezone

    from core import tsa
    from core.models import PublishedHead

    if published.tsa_token is not None:
        return True
    if not settings.AUDIT_TSA_URL:
        return False
    try:
        stamp = tsa.request_timestamp(published.statement())
    except tsa.TimestampError as exc:
        PublishedHead.objects.filter(pk=published.pk, tsa_token__isnull=True).update(
            tsa_error=f"{timezone.now():%Y-%m-%d %H:%M} {exc}"[:2000])
        return False
    PublishedHead.objects.filter(pk=published.pk, tsa_token__isnull=True).update(
        tsa_url=settings.AUDIT_TSA_URL[:500], tsa_token=stamp.token, tsa_time=stamp.time, tsa_serial=stamp.serial[:100],
        tsa_error="")
    published.refresh_from_db()
    return True
