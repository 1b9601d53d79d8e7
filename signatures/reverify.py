"""Re-verify a kept signature offline, as it stood when the portal accepted it.

Nothing is fetched: the chain is built from the trust directory and the certificates in the CMS,
at the moment of the original verification, with the OCSP responses and CRLs kept then. The row's
columns are checked against the bytes they describe, so an edit of the table (which the database
refuses, but a superuser could force) is found.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core.errors import DomainError
from signatures import cms as cms_checks
from signatures.errors import refusal
from signatures.models import RevocationData, Signature
from signatures.payloads import read_payload, sha256_hex
from signatures.trust import TrustStore


def _tampered(detail) -> DomainError:
    return refusal("tampered", field=None, detail=detail)


def _revocation_data(signature: Signature) -> tuple[list[bytes], list[bytes]]:
    revocation = signature.report.get("revocation") or {}
    wanted = {"ocsp": list(revocation.get("ocsp", [])), "crl": list(revocation.get("crls", []))}
    rows = {row.sha256: row for row in RevocationData.objects.filter(sha256__in=wanted["ocsp"] + wanted["crl"])}
    found = {"ocsp": [], "crl": []}
    for kind, digests in wanted.items():
        for digest in digests:
            row = rows.get(digest)
            if row is None or row.kind != kind or sha256_hex(bytes(row.content)) != digest:
                raise _tampered(_("the kept revocation answer %(sha256)s is missing or altered") % {"sha256": digest[:16]})
            found[kind].append(bytes(row.content))
    return found["ocsp"], found["crl"]


def _check_row(signature: Signature, parsed: cms_checks.ParsedSignature, payload: bytes) -> None:
    if parsed.content != payload:
        raise _tampered(_("the CMS holds other bytes than the kept payload"))
    fields = read_payload(payload)
    if fields is None:
        raise _tampered(_("the kept payload is not a payload of this portal"))
    object_type = f"{signature.content_type.app_label}.{signature.content_type.model}"
    expected = {"nonce": signature.nonce, "action": signature.action, "object_id": signature.object_id,
                "object_type": object_type, "from_status": signature.from_status, "to_status": signature.to_status}
    differing = sorted(key for key, value in expected.items() if fields[key] != value)
    if differing:
        raise _tampered(_("the row and its payload disagree on %(fields)s") % {"fields": ", ".join(differing)})
    certificate = parsed.certificate_facts
    if parsed.certificate.dump() != bytes(signature.certificate) or certificate.sha256 != signature.certificate_sha256:
        raise _tampered(_("the kept certificate is not the CMS's signer certificate"))
    columns = {"cert_serial": certificate.serial, "cert_iin": certificate.iin, "cert_bin": certificate.bin,
               "cert_subject": certificate.subject, "cert_issuer": certificate.issuer}
    differing = sorted(name for name, value in columns.items() if getattr(signature, name) != value)
    if parsed.signing_time != signature.signing_time:
        differing.append("signing_time")
    if differing:
        raise _tampered(_("the row's certificate columns disagree with the certificate: %(fields)s") % {"fields": ", ".join(differing)})
    # The identity the payload recorded is the one the certificate carries.
    if fields["signer_iin"] and fields["signer_iin"] != certificate.iin:
        raise refusal("wrong_iin", field=None, found=certificate.iin or "—", expected=fields["signer_iin"])
    if fields["signer_bin"] and fields["signer_bin"] != certificate.bin:
        raise refusal("wrong_bin", field=None, found=certificate.bin or "—", expected=fields["signer_bin"])


def signature_reverify(signature: Signature, *, trust: TrustStore) -> DomainError | None:
    """None when the kept signature still verifies; otherwise the refusal naming what is wrong."""
    try:
        data, payload = bytes(signature.cms), bytes(signature.payload)
        if sha256_hex(data) != signature.cms_sha256:
            raise _tampered(_("the CMS bytes do not match their recorded SHA-256"))
        if sha256_hex(payload) != signature.payload_sha256:
            raise _tampered(_("the payload bytes do not match their recorded SHA-256"))
        parsed = cms_checks.parse_signature(data)
        _check_row(signature, parsed, payload)
        cms_checks.check_algorithms(parsed)
        cms_checks.check_integrity(parsed)
        cms_checks.check_key_usage(parsed.certificate)
        ocsp_responses, crls = _revocation_data(signature)
        cms_checks.validate_chain(parsed.certificate, parsed.other_certificates, trust, mode=signature.revocation,
                                  moment=signature.verified_at.astimezone(dt.UTC), ocsp_responses=ocsp_responses, crls=crls)
    except DomainError as error:
        return error
    return None
