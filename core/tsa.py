"""RFC 3161 timestamps for the published heads of the audit chain.

The request and the response are the ASN.1 structures of ``asn1crypto.tsp``; the signature of the
timestamp authority (TSA) is checked with ``cryptography``. One HTTP POST of
``application/timestamp-query`` to ``AUDIT_TSA_URL`` (RFC 3161 §3.4); the answer must be granted,
carry our nonce and the SHA-256 of our statement, and be signed by the certificate it includes —
which must be the one in ``AUDIT_TSA_CERT`` (PEM) when that setting names one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

from asn1crypto import cms, core, tsp, x509
from cryptography import x509 as crypto_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.conf import settings

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class TimestampError(Exception):
    """The TSA could not be reached, refused, or answered something that does not seal our statement."""


@dataclass(frozen=True)
class Timestamp:
    token: bytes  # DER ContentInfo (SignedData over TSTInfo), kept as received
    time: dt.datetime
    serial: str


def request_bytes(statement: bytes, nonce: int) -> bytes:
    return tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": hashlib.sha256(statement).digest()},
        "nonce": nonce,
        "cert_req": True,
    }).dump()


def request_timestamp(statement: bytes, *, url: str | None = None, timeout: float | None = None) -> Timestamp:
    """Ask the TSA to seal ``statement``; raise ``TimestampError`` unless the answer checks out."""
    url = url or settings.AUDIT_TSA_URL
    nonce = secrets.randbits(63)
    request = urllib.request.Request(url, data=request_bytes(statement, nonce), method="POST",
                                     headers={"Content-Type": "application/timestamp-query",
                                              "Accept": "application/timestamp-reply"})
    try:
        with urllib.request.urlopen(request, timeout=timeout or settings.AUDIT_TSA_TIMEOUT) as answer:  # noqa: S310
            body = answer.read()
    except (urllib.error.URLError, OSError) as exc:
        raise TimestampError(f"the timestamp authority did not answer: {exc}") from exc
    try:
        # A refusal has no token, which asn1crypto's TimeStampResp requires: read the two parts one by one.
        parts = core.Sequence.load(body)
        status_info = tsp.PKIStatusInfo.load(parts[0].dump())
        status = status_info["status"].native
        if status not in ("granted", "granted_with_mods"):
            text = " ".join(status_info["status_string"].native or []) if status_info["status_string"] else ""
            raise TimestampError(f"the timestamp authority refused: {status} {text}".strip())
        token = cms.ContentInfo.load(parts[1].dump()).dump()
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise TimestampError(f"the answer is not an RFC 3161 response: {exc}") from exc
    problem = token_problem(token, statement, nonce=nonce)
    if problem:
        raise TimestampError(problem)
    info = tst_info(token)
    return Timestamp(token=token, time=info["gen_time"].native, serial=str(info["serial_number"].native))


def tst_info(token: bytes) -> tsp.TSTInfo:
    content = cms.ContentInfo.load(token)
    return content["content"]["encap_content_info"]["content"].parsed


def _trusted_certificate() -> bytes | None:
    path = getattr(settings, "AUDIT_TSA_CERT", "")
    if not path:
        return None
    with open(path, "rb") as handle:
        return crypto_x509.load_pem_x509_certificate(handle.read()).public_bytes(serialization.Encoding.DER)


def _signer_certificate(signed: cms.SignedData, signer: cms.SignerInfo) -> x509.Certificate | None:
    sid = signer["sid"]
    for choice in signed["certificates"] or []:
        certificate = choice.chosen
        if not isinstance(certificate, x509.Certificate):
            continue
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if certificate.issuer == wanted["issuer"] and certificate.serial_number == wanted["serial_number"].native:
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    return None


def _verify_signature(certificate: x509.Certificate, signer: cms.SignerInfo, data: bytes) -> None:
    public_key = crypto_x509.load_der_x509_certificate(certificate.dump()).public_key()
    algorithm = HASHES.get(signer["digest_algorithm"]["algorithm"].native)
    if algorithm is None:
        raise InvalidSignature("unsupported digest algorithm")
    signature = signer["signature"].native
    if isinstance(public_key, rsa.RSAPublicKey):
        if signer["signature_algorithm"].signature_algo == "rsassa_pss":
            params = signer["signature_algorithm"]["parameters"]
            public_key.verify(signature, data, padding.PSS(mgf=padding.MGF1(algorithm()), salt_length=params["salt_length"].native),
                              algorithm())
        else:
            public_key.verify(signature, data, padding.PKCS1v15(), algorithm())
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, data, ec.ECDSA(algorithm()))
    else:
        raise InvalidSignature("unsupported key type")


def token_problem(token: bytes, statement: bytes, *, nonce: int | None = None) -> str | None:
    """What is wrong with ``token`` as a seal of ``statement`` (None when it seals it)."""
    try:
        content = cms.ContentInfo.load(token)
        if content["content_type"].native != "signed_data":
            return "the token is not CMS SignedData"
        signed = content["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            return "the token does not carry a TSTInfo"
        info_bytes = encap["content"].contents
        info = encap["content"].parsed
        imprint = info["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        if algorithm not in HASHES or hashlib.new(algorithm, statement).digest() != imprint["hashed_message"].native:
            return "the timestamp seals other data"
        if nonce is not None and info["nonce"].native != nonce:
            return "the timestamp answers another request (nonce)"
        signers = signed["signer_infos"]
        if len(signers) != 1:
            return "the token must have exactly one signer"
        signer = signers[0]
        attributes = signer["signed_attrs"]
        if not attributes:
            return "the token has no signed attributes"
        digest = None
        for attribute in attributes:
            if attribute["type"].native == "message_digest":
                digest = attribute["values"][0].native
        digest_algorithm = signer["digest_algorithm"]["algorithm"].native
        if digest_algorithm not in HASHES or digest != hashlib.new(digest_algorithm, info_bytes).digest():
            return "the signed message digest does not match the TSTInfo"
        certificate = _signer_certificate(signed, signer)
        if certificate is None:
            return "the token does not include its signer's certificate"
        trusted = _trusted_certificate()
        if trusted is not None and certificate.dump() != trusted:
            return "the token is signed by another certificate than AUDIT_TSA_CERT"
        to_sign = b"\x31" + attributes.dump()[1:]  # the SET OF as signed, not the [0] IMPLICIT of SignerInfo
        _verify_signature(certificate, signer, to_sign)
    except InvalidSignature:
        return "the timestamp authority's signature does not verify"
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        return f"the token cannot be read: {exc}"
    return None
