"""Signing: issue a payload, verify and keep the signature posted for it.

For a signed action (phase 2 wiring) the object's service calls, inside its transaction and after
locking the object and checking the transition::

    signature = signature_required(obj=locked, action="partly-accept", actor=actor, cms=cms)

which in ``cms`` mode verifies the CMS against the payload issued for this user, object and action
(refusing with a :mod:`signatures.errors` code), stores the :class:`Signature` and consumes the
payload; in ``confirm`` mode it returns None and the caller keeps its confirmation.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from importlib.metadata import version

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.scoping import effective_role
from core.services import audit_record
from signatures import cms as cms_checks
from signatures.choices import RevocationKind, SignatureEvent, SignatureMode
from signatures.errors import refusal
from signatures.identity import check_identity, expected_identity
from signatures.models import RevocationData, Signature, SigningPayload
from signatures.payloads import canonical_bytes, payload_fields, read_payload, sha256_hex
from signatures.registry import SigningFacts, signing_facts
from signatures.trust import load_trust_store

logger = logging.getLogger(__name__)

# How far the signer's clock (signingTime) may be from ours.
CLOCK_SKEW = dt.timedelta(minutes=5)
# Expired payloads are deleted this long after they expire (a used one lives on in its Signature).
PAYLOAD_KEEP = dt.timedelta(days=1)
MAX_CMS_BYTES = 1024 * 1024


def signature_mode() -> str:
    return settings.SIGNATURE_MODE


def _object_type(obj) -> tuple[ContentType, str]:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return content_type, obj._meta.label_lower


def _fields(*, obj, action: str, actor, facts: SigningFacts, nonce: str, issued_at, expires_at) -> dict:
    identity = expected_identity(actor)
    _content_type, object_type = _object_type(obj)
    return payload_fields(
        facts=facts, object_type=object_type, object_id=str(obj.pk), action=action, signer_role=effective_role(actor),
        signer_user=actor.get_username(), signer_iin=identity.iin, signer_bin=identity.bin, nonce=nonce,
        issued_at=issued_at, expires_at=expires_at,
    )


@transaction.atomic
def signing_payload_issue(*, obj, action: str, actor) -> SigningPayload:
    """Issue the bytes ``actor`` signs for ``action`` on ``obj`` now, with a fresh nonce (one use, expires)."""
    facts = signing_facts(obj=obj, action=action, actor=actor)
    now = timezone.now().replace(microsecond=0)
    expires_at = now + dt.timedelta(seconds=settings.SIGNATURE_PAYLOAD_TTL)
    nonce = secrets.token_urlsafe(32)
    payload = canonical_bytes(_fields(obj=obj, action=action, actor=actor, facts=facts, nonce=nonce, issued_at=now,
                                      expires_at=expires_at))
    SigningPayload.objects.filter(expires_at__lt=now - PAYLOAD_KEEP).delete()
    content_type, _object_type_label = _object_type(obj)
    return SigningPayload.objects.create(
        nonce=nonce, user=actor, content_type=content_type, object_id=str(obj.pk), action=action, payload=payload,
        sha256=sha256_hex(payload), issued_at=now, expires_at=expires_at,
    )


@dataclass
class Verified:
    """A signature that passed every check, with what the checks found."""

    parsed: cms_checks.ParsedSignature
    cms: bytes
    issued: SigningPayload
    obj: object
    action: str
    facts: SigningFacts
    certificate: cms_checks.CertificateFacts
    chain: cms_checks.ChainResult
    trust_fingerprint: str
    trust_files: tuple[str, ...]


def _decode(cms) -> bytes:
    if isinstance(cms, bytes | bytearray | memoryview):
        data = bytes(cms)
    else:
        if not isinstance(cms, str) or not cms.strip():
            raise refusal("cms_required")
        if len(cms) > MAX_CMS_BYTES * 4 // 3 + 8:
            raise refusal("bad_cms", detail=_("larger than 1 MiB"))
        data = cms_checks.decode_base64(cms)
    if len(data) > MAX_CMS_BYTES:
        raise refusal("bad_cms", detail=_("larger than 1 MiB"))
    return data


def _verify(*, cms, actor, obj=None, action: str | None = None, for_update: bool) -> Verified:
    """Every check, cheapest first; ``obj``/``action`` None (inspection): those the payload names."""
    data = _decode(cms)
    parsed = cms_checks.parse_signature(data)

    # The payload: issued by the portal to this user, for this object and action, unused, unexpired, current.
    fields = read_payload(parsed.content)
    if fields is None:
        raise refusal("payload_mismatch", detail=_("the signed data are not a payload of this portal"))
    if Signature.objects.filter(nonce=fields["nonce"]).exists():
        raise refusal("used_nonce")
    issued_rows = SigningPayload.objects.filter(nonce=fields["nonce"]).select_related("content_type")
    issued = (issued_rows.select_for_update() if for_update else issued_rows).first()
    if issued is None:
        if Signature.objects.filter(nonce=fields["nonce"]).exists():  # used meanwhile by a concurrent request
            raise refusal("used_nonce")
        raise refusal("payload_mismatch", detail=_("the portal issued no such payload (unknown nonce)"))
    if issued.user_id != actor.pk:
        raise refusal("payload_mismatch", detail=_("the payload was issued to another user"))
    if obj is None:
        obj = issued.subject
        if obj is None:
            raise refusal("payload_mismatch", detail=_("the document no longer exists"))
    content_type, _label = _object_type(obj)
    if (issued.content_type_id, issued.object_id) != (content_type.pk, str(obj.pk)):
        raise refusal("payload_mismatch", detail=_("the payload was issued for another document"))
    action = action or issued.action
    if issued.action != action:
        raise refusal("wrong_action", signed=issued.action, action=action)
    if bytes(issued.payload) != parsed.content:
        raise refusal("payload_mismatch", detail=_("the signed bytes differ from the issued payload"))
    now = timezone.now()
    if issued.expires_at < now:
        raise refusal("expired_payload", expires_at=issued.expires_at.isoformat())
    facts = signing_facts(obj=obj, action=action, actor=actor)
    current = _fields(obj=obj, action=action, actor=actor, facts=facts, nonce=issued.nonce, issued_at=issued.issued_at,
                      expires_at=issued.expires_at)
    if current != fields:
        changed = sorted(key for key in current if current[key] != fields.get(key))
        raise refusal("stale_payload", fields=", ".join(changed))
    if not (issued.issued_at - CLOCK_SKEW <= parsed.signing_time <= now + CLOCK_SKEW):
        raise refusal("signing_time", signing_time=parsed.signing_time.isoformat(), issued_at=issued.issued_at.isoformat(),
                      expires_at=issued.expires_at.isoformat())

    # The signature and the certificate.
    cms_checks.check_algorithms(parsed)
    cms_checks.check_integrity(parsed)
    if parsed.certificate.self_issued:
        raise refusal("self_signed")
    cms_checks.check_key_usage(parsed.certificate)
    certificate = parsed.certificate_facts
    check_identity(certificate, expected_identity(actor))
    try:
        trust = load_trust_store()
    except (OSError, ValueError) as error:
        logger.error("SIGNATURE_TRUST_DIR cannot be read: %s", error)
        raise refusal("untrusted_chain", detail=_("the trusted certificates cannot be read"))
    chain = cms_checks.validate_chain(parsed.certificate, parsed.other_certificates, trust, mode=settings.SIGNATURE_REVOCATION)
    return Verified(parsed=parsed, cms=data, issued=issued, obj=obj, action=action, facts=facts, certificate=certificate,
                    chain=chain, trust_fingerprint=trust.fingerprint(), trust_files=trust.files)


def _keep_revocation_data(chain: cms_checks.ChainResult) -> dict:
    kept = {"mode": chain.revocation, "ocsp": [], "crls": []}
    for kind, items, key in ((RevocationKind.OCSP, chain.ocsp_responses, "ocsp"), (RevocationKind.CRL, chain.crls, "crls")):
        for content in items:
            digest = sha256_hex(content)
            RevocationData.objects.get_or_create(sha256=digest, defaults={"kind": kind, "content": content})
            kept[key].append(digest)
    return kept


def _report(verified: Verified, revocation: dict) -> dict:
    signer_info = verified.parsed.signer_info
    return {
        "verified_at": verified.chain.moment.isoformat(),
        "signing_time": verified.parsed.signing_time.isoformat(),
        "payload_sha256": verified.issued.sha256,
        "algorithms": {
            "digest": signer_info["digest_algorithm"]["algorithm"].native,
            "signature": signer_info["signature_algorithm"]["algorithm"].native,
        },
        "certificate": verified.certificate.as_dict(),
        "chain": [
            {"subject": cert.subject.human_friendly, "serial": format(cert.serial_number, "x"),
             "sha256": hashlib.sha256(cert.dump()).hexdigest(), "der": base64.b64encode(cert.dump()).decode()}
            for cert in verified.chain.path
        ],
        "trust_store": {"sha256": verified.trust_fingerprint, "files": list(verified.trust_files)},
        "revocation": revocation,
        "checks": ["structure", "payload", "signing_time", "algorithms", "integrity", "key_usage", "identity", "chain",
                   "validity", "revocation" if revocation["mode"] != "off" else "revocation_off"],
        "software": {name: version(name) for name in ("pyhanko", "pyhanko-certvalidator", "asn1crypto", "cryptography")},
    }


@transaction.atomic
def signature_accept(*, obj, action: str, actor, cms) -> Signature:
    """Verify the CMS posted for ``action`` on ``obj`` by ``actor`` and keep it; refuses with a reason otherwise.

    Call inside the action's transaction, after locking ``obj`` and checking the transition, so that
    the facts signed are the facts as they stand.
    """
    try:
        verified = _verify(cms=cms, actor=actor, obj=obj, action=action, for_update=True)
    except DomainError as error:
        logger.warning("signature refused: %s (user %s, %s %s#%s)", error.code, getattr(actor, "pk", None), action,
                       obj._meta.label_lower, obj.pk)
        raise
    revocation = _keep_revocation_data(verified.chain)
    certificate = verified.certificate
    signature = Signature.objects.create(
        content_type=verified.issued.content_type, object_id=verified.issued.object_id,
        object_reference=str(verified.facts.reference)[:200], action=action,
        from_status=str(verified.facts.from_status), to_status=str(verified.facts.to_status),
        signer=actor, signer_role=effective_role(actor), school_id=verified.facts.school_id, region_id=verified.facts.region_id,
        nonce=verified.issued.nonce, payload=verified.parsed.content, payload_sha256=verified.issued.sha256,
        cms=verified.cms, cms_sha256=sha256_hex(verified.cms), certificate=verified.parsed.certificate.dump(),
        certificate_sha256=certificate.sha256, cert_subject=certificate.subject, cert_issuer=certificate.issuer,
        cert_serial=certificate.serial, cert_common_name=certificate.common_name[:300],
        cert_organisation=certificate.organisation[:500], cert_iin=certificate.iin, cert_bin=certificate.bin,
        cert_not_before=certificate.not_before, cert_not_after=certificate.not_after,
        signing_time=verified.parsed.signing_time, verified_at=verified.chain.moment,
        revocation=verified.chain.revocation, report=_report(verified, revocation),
    )
    verified.issued.delete()  # used: the signature keeps its nonce (unique), so it cannot serve again
    audit_record(actor=actor, action=SignatureEvent.ACCEPTED, subject=obj, from_status=str(verified.facts.from_status),
                 to_status=str(verified.facts.to_status),
                 data={"signature": signature.pk, "action": action, "payload_sha256": signature.payload_sha256,
                       "cms_sha256": signature.cms_sha256, "certificate_serial": certificate.serial,
                       "certificate_iin": certificate.iin, "certificate_bin": certificate.bin})
    return signature


def signature_required(*, obj, action: str, actor, cms) -> Signature | None:
    """The signature step of a signed action: verified and kept in ``cms`` mode, None in ``confirm`` mode."""
    if signature_mode() != SignatureMode.CMS:
        return None
    if not cms:
        raise refusal("cms_required")
    return signature_accept(obj=obj, action=action, actor=actor, cms=cms)


@dataclass
class Inspection:
    """What a signature would meet if posted now: the certificate's owner and the verdict."""

    certificate: cms_checks.CertificateFacts | None
    payload: dict | None
    refusal: DomainError | None

    @property
    def accepted(self) -> bool:
        return self.refusal is None


def signature_inspect(*, actor, cms) -> Inspection:
    """Dry run of :func:`signature_accept` for the payload the CMS holds: nothing is stored or consumed."""
    certificate = payload = None
    try:
        parsed = cms_checks.parse_signature(_decode(cms))
        payload = read_payload(parsed.content)
        certificate = parsed.certificate_facts
        _verify(cms=cms, actor=actor, for_update=False)
    except DomainError as error:
        return Inspection(certificate=certificate, payload=payload, refusal=error)
    return Inspection(certificate=certificate, payload=payload, refusal=None)


def signed(signature: Signature | None) -> dict:
    """What a signed action adds to its audit event's data: the kept signature's id (nothing in confirm mode)."""
    return {} if signature is None else {"signature": signature.pk, "certificate_serial": signature.cert_serial}
