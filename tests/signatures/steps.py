"""Helpers of the signed-step tests (acts, contracts, payments): fetch a step's payload through the API,
sign it with the test PKI as NCALayer would, post it, and check that a refusal changed nothing."""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from core.models import AuditEvent
from signatures.errors import MESSAGES
from signatures.models import Signature
from tests.signatures.fixtures import sign


def fetch_payload(client, url: str, action: str) -> str:
    """The base64 payload the step's ``signing-payload/`` endpoint answers."""
    response = client.get(url, {"action": action})
    assert response.status_code == 200, response.json()
    assert response.json()["action"] == action
    return response.json()["payload"]


def signed_payload(client, url: str, action: str, certificate, pki=None) -> str:
    """The CMS (base64) of a fresh payload for ``action``, signed with ``certificate``."""
    return sign(certificate, fetch_payload(client, url, action), pki=pki)


def signatures_of(obj):
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return Signature.objects.filter(content_type=content_type, object_id=str(obj.pk))


def refusal_text(code: str, language: str = "kk") -> str:
    """The longest fixed part of the refusal's message as the portal words it in ``language``."""
    import re

    with translation.override(language):
        text = str(MESSAGES[code])
    return max(re.split(r"%\(\w+\)s", text), key=len).strip()


@contextmanager
def nothing_changes(obj):
    """The block leaves ``obj``'s status, the audit trail and the kept signatures as they were."""
    model = type(obj)
    status = model.objects.get(pk=obj.pk).status
    events = AuditEvent.objects.count()
    kept = Signature.objects.count()
    yield
    assert model.objects.get(pk=obj.pk).status == status
    assert AuditEvent.objects.count() == events, list(AuditEvent.objects.order_by("-id").values_list("action", flat=True)[:3])
    assert Signature.objects.count() == kept


def assert_refused(response, code: str, language: str = "kk") -> None:
    """A 400/409 naming ``code``, its message translated into ``language`` (the portal's default: Kazakh)."""
    assert response.status_code in (400, 409), response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    translated = refusal_text(code, language)
    assert translated != refusal_text(code, "en"), f"{code} is not translated into {language}"
    assert translated in error["message"], error["message"]
