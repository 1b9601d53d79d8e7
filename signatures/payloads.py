"""The exact bytes a signer signs: canonical JSON of the action, the object's facts, the signer and a nonce.

Canonical form: a flat JSON object, keys sorted, no insignificant whitespace, UTF-8 (not
``\\u``-escaped), values only strings, integers or null (amounts as decimal strings with two
places, times as UTC ``YYYY-MM-DDTHH:MM:SSZ``). For such values this is also the RFC 8785 (JCS)
form, so anyone can rebuild and compare the bytes.

Example (one line in the real payload)::

    {"action":"partly-accept","amount":"1250000.00","document_sha256":null,
     "expires_at":"2025-11-12T10:15:00Z","format":"e-qazyna/signing-payload/1",
     "from_status":"submitted","issued_at":"2025-11-12T10:00:00Z","lines_sha256":"9f…",
     "nonce":"…","object_id":"42","object_reference":"…","object_type":"acts.act",
     "portal":"https://e-qazyna.kz","signer_bin":"…","signer_iin":"…","signer_role":"department",
     "signer_user":"dept_astana","to_status":"partly_accepted"}

The next status is part of the bytes: a signature for "partly accept" cannot be replayed as "accept".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from signatures.registry import SigningFacts

FORMAT = "e-qazyna/signing-payload/1"
KEYS = (
    "action", "amount", "document_sha256", "expires_at", "format", "from_status", "issued_at", "lines_sha256", "nonce",
    "object_id", "object_reference", "object_type", "portal", "signer_bin", "signer_iin", "signer_role", "signer_user",
    "to_status",
)


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def payload_fields(*, facts: SigningFacts, object_type: str, object_id: str, action: str, signer_role: str,
                   signer_user: str, signer_iin: str | None, signer_bin: str | None, nonce: str,
                   issued_at: dt.datetime, expires_at: dt.datetime) -> dict:
    fields = {
        "action": action,
        "amount": _amount(facts.amount),
        "document_sha256": facts.document_sha256 or None,
        "expires_at": _time(expires_at),
        "format": FORMAT,
        "from_status": str(facts.from_status),
        "issued_at": _time(issued_at),
        "lines_sha256": facts.lines_sha256 or None,
        "nonce": nonce,
        "object_id": str(object_id),
        "object_reference": str(facts.reference),
        "object_type": object_type,
        "portal": settings.SITE_URL,
        "signer_bin": signer_bin or None,
        "signer_iin": signer_iin or None,
        "signer_role": str(signer_role),
        "signer_user": str(signer_user),
        "to_status": str(facts.to_status),
    }
    assert tuple(sorted(fields)) == KEYS
    return fields


def canonical_bytes(fields: dict) -> bytes:
    for key, value in fields.items():
        if not (value is None or isinstance(value, str | int)) or isinstance(value, bool):
            raise TypeError(f"payload field {key} must be a string, an integer or null, not {type(value).__name__}")
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_payload(data: bytes) -> dict | None:
    """The fields of a portal payload, or None when ``data`` is not one (not canonical JSON of our format)."""
    try:
        fields = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(fields, dict) or fields.get("format") != FORMAT or tuple(sorted(fields)) != KEYS:
        return None
    try:
        if canonical_bytes(fields) != data:
            return None
    except TypeError:
        return None
    return fields
