"""A kept signature as files anyone can verify with standard tools (OpenSSL).

The bundle (zip) holds the CMS exactly as signed, the payload it contains, the signer's
certificate, the chain the portal validated, the OCSP responses and CRLs it used and the
verification report, with a ``VERIFY.txt`` explaining the ``openssl cms -verify`` command.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile

from asn1crypto import pem
from django.utils.translation import gettext as _

from signatures.models import RevocationData, Signature


def file_names(signature: Signature) -> dict[str, str]:
    stem = f"signature-{signature.pk}"
    return {"cms": f"{stem}.cms", "payload": f"{stem}-payload.json", "signer": f"{stem}-signer.pem",
            "chain": f"{stem}-chain.pem", "report": f"{stem}-report.json", "bundle": f"{stem}.zip"}


def chain_pem(signature: Signature) -> bytes:
    """The certificates of the validated chain, root first, as PEM."""
    return b"".join(pem.armor("CERTIFICATE", base64.b64decode(item["der"])) for item in signature.report.get("chain", []))


def verify_instructions(signature: Signature) -> str:
    names = file_names(signature)
    attime = int(signature.signing_time.timestamp())
    lines = [
        _("How to verify signature #%(id)s without the portal") % {"id": signature.pk},
        "",
        _("1. The signature holds the payload; check that it is exactly the payload kept by the portal:"),
        f"   openssl cms -verify -inform DER -in {names['cms']} -noverify -out content.json",
        f"   cmp content.json {names['payload']} && sha256sum {names['payload']}",
        _("   The SHA-256 must be %(sha256)s.") % {"sha256": signature.payload_sha256},
        "",
        _("2. Verify the signature and the certificate chain as of the signing time. Use the root certificate "
          "published by the certification authority; %(chain)s holds the chain the portal used:")
        % {"chain": names["chain"]},
        f"   openssl cms -verify -inform DER -in {names['cms']} -CAfile {names['chain']} -purpose any "
        f"-attime {attime} -out /dev/null",
        "",
        _("3. Revocation: the folder revocation/ holds the OCSP responses and CRLs the portal checked on %(when)s; "
          "for example:") % {"when": signature.verified_at.isoformat()},
        "   openssl ocsp -respin revocation/<file>.ocsp -resp_text -noverify",
        "   openssl crl -inform DER -in revocation/<file>.crl -text -noout",
        "",
        _("Signer: %(name)s, IIN %(iin)s, BIN %(bin)s, certificate serial %(serial)s; signed at %(time)s.")
        % {"name": signature.cert_common_name, "iin": signature.cert_iin or "—", "bin": signature.cert_bin or "—",
           "serial": signature.cert_serial, "time": signature.signing_time.isoformat()},
    ]
    return "\n".join(lines) + "\n"


def signature_bundle(signature: Signature) -> bytes:
    names = file_names(signature)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(names["cms"], bytes(signature.cms))
        archive.writestr(names["payload"], bytes(signature.payload))
        archive.writestr(names["signer"], pem.armor("CERTIFICATE", bytes(signature.certificate)))
        archive.writestr(names["chain"], chain_pem(signature))
        archive.writestr(names["report"], json.dumps(signature.report, ensure_ascii=False, indent=2, sort_keys=True))
        revocation = signature.report.get("revocation", {})
        digests = [*revocation.get("ocsp", []), *revocation.get("crls", [])]
        for item in RevocationData.objects.filter(sha256__in=digests).order_by("sha256"):
            archive.writestr(f"revocation/{item.sha256[:16]}.{item.kind}", bytes(item.content))
        archive.writestr("VERIFY.txt", verify_instructions(signature))
    return buffer.getvalue()
