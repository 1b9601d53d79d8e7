"""Reads of kept signatures, always scoped (a school its own, a department its region, monitors all)."""

from __future__ import annotations

from django.db.models import QuerySet

from signatures.models import Signature


def signature_list(*, user) -> QuerySet[Signature]:
    return Signature.objects.visible_to(user).select_related("signer", "school", "content_type").defer(
        "cms", "payload", "certificate", "report",
    )


def signature_get(*, user, pk) -> Signature:
    return Signature.objects.visible_to(user).select_related("signer", "school", "content_type").get(pk=pk)


def signatures_of(*, user, obj) -> QuerySet[Signature]:
    """The kept signatures of one object (for its page and its PDF), oldest first."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return signature_list(user=user).filter(content_type=content_type, object_id=str(obj.pk)).order_by("signing_time", "id")
