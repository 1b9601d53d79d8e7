"""Why a signature is refused: one stable code per reason, with its translated message.

Every refusal is a :class:`SignatureRefused` (a ``core.errors.DomainError``): the API answers
``{"error": {"code": "<code>", "message": "…", "fields": {"cms": [...]}}}`` and pages show the
message. The codes are part of the interface; never rename one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import ConflictError, DomainError

MESSAGES = {
    # The CMS itself
    "bad_cms": _("The signature is not a CMS SignedData in base64 DER: %(detail)s"),
    "detached_content": _("The signature does not contain the signed data (a detached signature); sign with the data attached."),
    "several_signers": _("The signature has %(count)s signers; one signature holds exactly one signer."),
    "no_signer_certificate": _("The signature does not include the signer's certificate."),
    "missing_attributes": _("The signature lacks the signed attributes %(names)s (content type, message digest and signing time are required)."),
    "bad_digest": _("The signature uses the digest %(algorithm)s; SHA-256 is required."),
    "gost_unsupported": _(
        "The certificate uses the GOST algorithm %(algorithm)s. The portal cannot verify GOST signatures yet: "
        "sign with your RSA key (the RSA certificate of your NCA key set)."
    ),
    "not_rsa": _("The certificate's key is %(algorithm)s; the portal accepts RSA keys only."),
    "digest_mismatch": _("The signed data do not match the message digest in the signature: the data were altered after signing."),
    "bad_signature": _("The signature value is not valid for the signer's certificate."),
    "signing_time": _("The signing time %(signing_time)s lies outside the validity of the payload (%(issued_at)s to %(expires_at)s)."),
    # The certificate
    "self_signed": _("The certificate is self-signed: it was not issued by a trusted certification authority."),
    "untrusted_chain": _("The certificate does not chain to a trusted certification authority: %(detail)s"),
    "no_trust_roots": _("No trusted root certificates are installed (SIGNATURE_TRUST_DIR); signatures cannot be verified."),
    "expired": _("The certificate expired on %(date)s."),
    "not_yet_valid": _("The certificate is valid only from %(date)s."),
    "revoked": _("The certificate was revoked on %(date)s."),
    "revocation_unknown": _("The revocation status of the certificate could not be checked (OCSP and CRL): %(detail)s"),
    "weak_algorithm": _("The certificate chain uses an algorithm that is no longer accepted: %(detail)s"),
    "bad_key_usage": _("The certificate is not meant for signing (its key usage has neither digitalSignature nor nonRepudiation)."),
    # The signer
    "wrong_iin": _("The certificate belongs to IIN %(found)s, but your account is registered with IIN %(expected)s."),
    "wrong_bin": _("The certificate is issued to the organisation with BIN %(found)s; this step must be signed for BIN %(expected)s."),
    "not_legal_entity": _(
        "The certificate is a personal one (it carries no BIN); this step must be signed with the certificate "
        "of the organisation with BIN %(expected)s."
    ),
    "no_org_bin": _("Your organisation's BIN is not recorded in the portal; ask an administrator to enter it before signing."),
    "not_a_signer": _("Your role does not sign documents."),
    # The payload
    "payload_mismatch": _("The signed data are not the payload the portal issued for this document and action: %(detail)s"),
    "wrong_action": _("The signature was made for the action “%(signed)s”, not for “%(action)s”."),
    "stale_payload": _("The document changed after the payload was issued (%(fields)s); fetch a new payload and sign again."),
    "expired_payload": _("The payload expired at %(expires_at)s; fetch a new payload and sign again."),
    "used_nonce": _("This payload has already been signed and used; fetch a new payload to sign again."),
    "not_signable": _("The action “%(action)s” of this document is not signed."),
    "cms_required": _("A qualified electronic signature is required: post the CMS signature (field “cms”)."),
    # Re-verification of a stored signature
    "tampered": _("The stored signature was altered: %(detail)s"),
}

# Refusals that report a conflict with the current state (409) rather than bad input (400).
CONFLICTS = {"used_nonce", "stale_payload", "expired_payload"}


class SignatureRefused(DomainError):
    default_code = "signature_refused"


class SignatureConflict(ConflictError):
    default_code = "signature_refused"


def refusal(code: str, field: str | None = "cms", **params) -> DomainError:
    """The refusal for ``code`` with its message filled in (``params`` also go to the details)."""
    message = MESSAGES[code]
    text = message % params if params else message
    cls = SignatureConflict if code in CONFLICTS else SignatureRefused
    details = {key: str(value) for key, value in params.items()}
    return cls(text, code=code, field=field, details=details)
