"""Verification of a CMS SignedData signature: structure, integrity, certificate chain, revocation.

Kept libraries do the work: ``asn1crypto`` parses, ``pyhanko`` checks the signer info (the signed
attributes, the message digest and the signature value, ``validate_sig_integrity``) and
``pyhanko-certvalidator`` builds and validates the chain to the trusted roots with OCSP and CRL.
This module knows nothing of the database: :mod:`signatures.services` binds the signed bytes to a
payload, a user and an action.

Every failure raises :func:`signatures.errors.refusal` with a stable code.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field

import pyhanko_certvalidator.asn1_types  # noqa: F401  (asn1crypto then parses keys of unknown algorithms, e.g. GOST)
from asn1crypto import cms, crl, ocsp, x509
from django.conf import settings
from django.utils.translation import gettext as _

from signatures.errors import refusal
from signatures.trust import TrustStore

# Public-key algorithms of GOST certificates: the national CA's (ГОСТ 34.310-2004, ГОСТ 34.10-2015,
# arc 1.2.398.3.10) and the Russian ones (arc 1.2.643). No kept Python library verifies them.
GOST_ARCS = ("1.2.398.3.10.", "1.2.643.")
RSA_KEY_ALGORITHMS = {"rsa", "rsassa_pss"}
REQUIRED_ATTRIBUTES = ("content_type", "message_digest", "signing_time")
SIGNING_KEY_USAGES = {"digital_signature", "non_repudiation"}
IIN_RE = re.compile(r"^IIN(\d{12})$")
BIN_RE = re.compile(r"^BIN(\d{12})$")
# What asn1crypto raises on malformed DER, possibly late: it parses lazily, on first access.
MALFORMED = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)


def refuses_malformed(check):
    """A check that meets malformed DER refuses it as ``bad_cms`` rather than crash."""

    @functools.wraps(check)
    def guarded(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except MALFORMED as error:
            raise refusal("bad_cms", detail=str(error)[:200])

    return guarded


@dataclass(frozen=True)
class CertificateFacts:
    """What the portal keeps of the signer's certificate."""

    subject: str
    issuer: str
    serial: str  # hexadecimal
    iin: str  # from SERIALNUMBER=IIN…, or ""
    bin: str  # from OU=BIN…, or ""
    common_name: str
    organisation: str
    not_before: dt.datetime
    not_after: dt.datetime
    sha256: str

    def as_dict(self) -> dict:
        return {
            "subject": self.subject, "issuer": self.issuer, "serial": self.serial, "iin": self.iin, "bin": self.bin,
            "common_name": self.common_name, "organisation": self.organisation,
            "not_before": self.not_before.isoformat(), "not_after": self.not_after.isoformat(), "sha256": self.sha256,
        }


@dataclass
class ParsedSignature:
    signed_data: cms.SignedData
    signer_info: cms.SignerInfo
    content: bytes
    certificate: x509.Certificate
    other_certificates: list[x509.Certificate]
    signing_time: dt.datetime

    @property
    def certificate_facts(self) -> CertificateFacts:
        return certificate_facts(self.certificate)


@dataclass
class ChainResult:
    """The validated path (root first) and the revocation information used to validate it."""

    path: list[x509.Certificate]
    moment: dt.datetime
    revocation: str
    ocsp_responses: list[bytes] = field(default_factory=list)
    crls: list[bytes] = field(default_factory=list)


def _attribute(name: x509.Name, key: str) -> list[str]:
    value = name.native.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _rfc4514(cert: x509.Certificate) -> tuple[str, str]:
    """Subject and issuer as RFC 4514 strings (CN=…,O=…), the form OpenSSL and the CA's documents use."""
    from cryptography import x509 as pyca_x509
    from cryptography.x509.oid import NameOID

    names = {NameOID.SERIAL_NUMBER: "SERIALNUMBER", NameOID.SURNAME: "SURNAME", NameOID.GIVEN_NAME: "GIVENNAME",
             NameOID.EMAIL_ADDRESS: "E"}
    try:
        parsed = pyca_x509.load_der_x509_certificate(cert.dump())
        return parsed.subject.rfc4514_string(names), parsed.issuer.rfc4514_string(names)
    except ValueError:
        return cert.subject.human_friendly, cert.issuer.human_friendly


@refuses_malformed
def certificate_facts(cert: x509.Certificate) -> CertificateFacts:
    subject = cert.subject
    subject_text, issuer_text = _rfc4514(cert)
    iin = next((m.group(1) for v in _attribute(subject, "serial_number") if (m := IIN_RE.match(v.strip()))), "")
    bin_ = next((m.group(1) for v in _attribute(subject, "organizational_unit_name") if (m := BIN_RE.match(v.strip()))), "")
    validity = cert["tbs_certificate"]["validity"]
    return CertificateFacts(
        subject=subject_text, issuer=issuer_text, serial=format(cert.serial_number, "x"),
        iin=iin, bin=bin_, common_name=", ".join(_attribute(subject, "common_name")),
        organisation=", ".join(_attribute(subject, "organization_name")),
        not_before=validity["not_before"].native, not_after=validity["not_after"].native,
        sha256=hashlib.sha256(cert.dump()).hexdigest(),
    )


def decode_base64(value: str | bytes) -> bytes:
    try:
        if isinstance(value, str):
            value = "".join(value.split())
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise refusal("bad_cms", detail=_("not base64"))
    if not data:
        raise refusal("bad_cms", detail=_("empty"))
    return data


def parse_signature(data: bytes) -> ParsedSignature:
    """Parse a DER ContentInfo holding SignedData with one signer and attached content."""
    from pyhanko.sign.validation import errors as pyhanko_errors
    from pyhanko.sign.validation.generic_cms import extract_certs_for_validation, extract_self_reported_ts

    try:
        info = cms.ContentInfo.load(data, strict=True)
        info.native  # noqa: B018 - parse the whole structure now: malformed DER is refused here, not later
        if info["content_type"].native != "signed_data":
            raise refusal("bad_cms", detail=_("content type %(type)s, not signed data") % {"type": info["content_type"].native})
        signed_data = info["content"]
        signer_infos = signed_data["signer_infos"]
        if len(signer_infos) != 1:
            raise refusal("several_signers", count=len(signer_infos))
        signer_info = signer_infos[0]
        encapsulated = signed_data["encap_content_info"]
        if encapsulated["content_type"].native != "data":
            raise refusal("bad_cms", detail=_("encapsulated content type %(type)s, not data") % {"type": encapsulated["content_type"].native})
        if encapsulated["content"].native is None:
            raise refusal("detached_content")
        content = bytes(encapsulated["content"].native)
        signed_attrs = signer_info["signed_attrs"]
        present = {attr["type"].native for attr in signed_attrs} if signed_attrs.native is not None else set()
        missing = [name for name in REQUIRED_ATTRIBUTES if name not in present]
        if missing:
            raise refusal("missing_attributes", names=", ".join(missing))
        try:
            cert_info = extract_certs_for_validation(signed_data)
        except pyhanko_errors.SignatureValidationError:
            raise refusal("no_signer_certificate")
        signing_time = extract_self_reported_ts(signer_info)
        if signing_time is None:
            raise refusal("missing_attributes", names="signing_time")
        return ParsedSignature(
            signed_data=signed_data, signer_info=signer_info, content=content, certificate=cert_info.signer_cert,
            other_certificates=list(cert_info.other_certs), signing_time=signing_time,
        )
    except MALFORMED as error:
        raise refusal("bad_cms", detail=str(error)[:200])


@refuses_malformed
def check_algorithms(parsed: ParsedSignature) -> None:
    """RSA keys and SHA-256 only; GOST keys are named as such."""
    key_algorithm = parsed.certificate.public_key["algorithm"]["algorithm"]
    dotted = key_algorithm.dotted
    if dotted.startswith(GOST_ARCS):
        raise refusal("gost_unsupported", algorithm=dotted)
    if key_algorithm.native not in RSA_KEY_ALGORITHMS:
        raise refusal("not_rsa", algorithm=key_algorithm.native)
    digest = parsed.signer_info["digest_algorithm"]["algorithm"].native
    if digest != "sha256":
        raise refusal("bad_digest", algorithm=digest)


@refuses_malformed
def check_integrity(parsed: ParsedSignature) -> None:
    """The message digest equals SHA-256 of the content and the signature over the signed attributes is valid."""
    from pyhanko.sign.general import CMSStructuralError
    from pyhanko.sign.validation import errors as pyhanko_errors
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    try:
        intact, valid = validate_sig_integrity(
            parsed.signer_info, parsed.certificate, expected_content_type="data",
            actual_digest=hashlib.sha256(parsed.content).digest(),
        )
    except (pyhanko_errors.SignatureValidationError, CMSStructuralError, ValueError) as error:
        raise refusal("bad_cms", detail=str(getattr(error, "failure_message", error))[:200])
    if not intact:
        raise refusal("digest_mismatch")
    if not valid:
        raise refusal("bad_signature")


@refuses_malformed
def check_key_usage(cert: x509.Certificate) -> None:
    usages = set(cert.key_usage_value.native) if cert.key_usage_value is not None else set()
    if not usages & SIGNING_KEY_USAGES:
        raise refusal("bad_key_usage")


def _revocation_policy(mode: str):
    from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule

    ee_rule = {
        "ocsp": RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,  # OCSP first; the CRL when OCSP gives no good answer
        "crl": RevocationCheckingRule.CRL_REQUIRED,
        "off": RevocationCheckingRule.NO_CHECK,
    }[mode]
    ca_rule = RevocationCheckingRule.NO_CHECK if mode == "off" else RevocationCheckingRule.CHECK_IF_DECLARED
    return CertRevTrustPolicy(RevocationCheckingPolicy(ee_certificate_rule=ee_rule, intermediate_ca_cert_rule=ca_rule))


def _date(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if value else "?"


async def _validate_chain(cert, other_certs, trust: TrustStore, *, mode: str, moment, ocsps, crls) -> ChainResult:
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
    from pyhanko_certvalidator.registry import CertificateRegistry

    online = moment is None
    # No certificate fetching from the signer's AIA: chains are built from the trust directory and the
    # certificates in the CMS only. Revocation services are fetched for certificates of a trusted path.
    registry = CertificateRegistry.build([*trust.intermediates, *other_certs], cert_fetcher=None)
    context = ValidationContext(
        trust_roots=list(trust.roots), certificate_registry=registry, moment=moment,
        allow_fetching=online and mode != "off",
        fetcher_backend=RequestsFetcherBackend(per_request_timeout=settings.SIGNATURE_REVOCATION_TIMEOUT)
        if online and mode != "off" else None,
        ocsps=list(ocsps) if ocsps else None, crls=list(crls) if crls else None,
        revinfo_policy=_revocation_policy(mode),
        time_tolerance=dt.timedelta(minutes=5),
    )
    try:
        path = await CertificateValidator(cert, validation_context=context).async_validate_path()
    finally:
        await context.aclose()
    return ChainResult(
        path=list(path.iter_certs(include_root=True)), moment=context.moment, revocation=mode,
        ocsp_responses=[response.dump() for response in context.ocsps],
        crls=[revocation_list.dump() for revocation_list in context.crls],
    )


def validate_chain(cert: x509.Certificate, other_certs: list[x509.Certificate], trust: TrustStore, *, mode: str,
                   moment: dt.datetime | None = None, ocsp_responses: list[bytes] = (), crls: list[bytes] = ()) -> ChainResult:
    """Chain ``cert`` to a trusted root and check revocation (``mode``: ocsp, crl or off).

    Online (``moment`` None): now, fetching OCSP/CRL from the services the certificates name.
    Offline (``moment`` given): at that moment, with the stored OCSP responses and CRLs only.
    """
    from pyhanko_certvalidator import errors as cv

    if not trust.roots:
        raise refusal("no_trust_roots")
    try:
        return asyncio.run(_validate_chain(
            cert, other_certs, trust, mode=mode, moment=moment,
            ocsps=[ocsp.OCSPResponse.load(item) for item in ocsp_responses],
            crls=[crl.CertificateList.load(item) for item in crls],
        ))
    except cv.PathBuildingError as error:
        if cert.self_issued:
            raise refusal("self_signed")
        raise refusal("untrusted_chain", detail=str(error)[:300])
    except cv.RevokedError as error:
        raise refusal("revoked", date=_date(error.revocation_dt))
    except cv.ExpiredError as error:
        raise refusal("expired", date=_date(error.expired_dt))
    except cv.NotYetValidError as error:
        raise refusal("not_yet_valid", date=_date(error.valid_from))
    except cv.InsufficientRevinfoError as error:
        raise refusal("revocation_unknown", detail=str(error)[:300])
    except cv.DisallowedAlgorithmError as error:
        raise refusal("weak_algorithm", detail=str(error)[:300])
    except (cv.PathValidationError, cv.ValidationError, *MALFORMED) as error:
        raise refusal("untrusted_chain", detail=str(error)[:300])


def revocation_mode() -> str:
    return settings.SIGNATURE_REVOCATION
