"""A test PKI made at run time with ``cryptography``: root, intermediate, OCSP responder and signers.

Certificates carry Kazakh-style subjects, as the national certification authority issues them::

    CN=ЖАНЫБЕКОВ АСЕЛЬ, SURNAME=ЖАНЫБЕКОВ, GIVENNAME=ЕРЛАНҚЫЗЫ, SERIALNUMBER=IIN…, C=KZ,
    O=«БОЛАШАҚ» ЖШС, OU=BIN…

Signers' certificates name the OCSP responder (authority information access) and the CRL
distribution point at ``base_url``, which :mod:`signatures.testing.revocation_server` serves on
loopback. Nothing here is for production: development and tests only.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import pyhanko_certvalidator.asn1_types  # noqa: F401  (lets asn1crypto build a key of an algorithm it does not know)
from asn1crypto import core as asn1_core
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

# The national CA's GOST 34.310-2004 public key algorithm (what its GOST certificates carry).
KZ_GOST_34310_KEY_OID = "1.2.398.3.10.1.1.1.1"
KZ_GOST_34310_SIGNATURE_OID = "1.2.398.3.10.1.1.1.2"

KEY_SIZE = 2048


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Issued:
    """A certificate with its private key."""

    certificate: x509.Certificate
    key: object

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


@dataclass
class Revocation:
    serial: int
    revoked_at: dt.datetime


def _name(*, common_name: str, surname: str = "", given_name: str = "", iin: str = "", organisation: str = "",
          bin: str = "", email: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if surname:
        attributes.append(x509.NameAttribute(NameOID.SURNAME, surname))
    if iin:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{iin}"))
    attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"))
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if bin:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{bin}"))
    if given_name:
        attributes.append(x509.NameAttribute(NameOID.GIVEN_NAME, given_name))
    if email:
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attributes)


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


@dataclass
class TestPKI:
    """Root → intermediate → signers, an OCSP responder and a CRL, all in memory.

    ``base_url`` is where the revocation server answers (``…/ocsp``, ``…/intermediate.crl``,
    ``…/root.crl``); None issues certificates that name no revocation service.
    """

    __test__ = False  # not a test class, whatever pytest's name patterns say

    base_url: str | None = None
    root: Issued = field(init=False)
    intermediate: Issued = field(init=False)
    ocsp_responder: Issued = field(init=False)
    revoked: dict[int, Revocation] = field(init=False, default_factory=dict)
    ocsp_requests: int = field(init=False, default=0)
    crl_requests: int = field(init=False, default=0)
    ocsp_down: bool = field(init=False, default=False)

    def __post_init__(self):
        now = _now()
        root_key = _rsa_key()
        root_name = _name(common_name="ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST ROOT)", organisation="TEST PKI")
        root_cert = (
            x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=3650)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(self._ca_key_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256())
        )
        self.root = Issued(root_cert, root_key)
        intermediate_key = _rsa_key()
        builder = (
            x509.CertificateBuilder().subject_name(_name(common_name="ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (TEST RSA)",
                                                         organisation="TEST PKI"))
            .issuer_name(root_name).public_key(intermediate_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=3000)).not_valid_after(now + dt.timedelta(days=3000))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(self._ca_key_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(intermediate_key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        )
        if self.base_url:
            builder = builder.add_extension(self._crl_points("root.crl"), critical=False)
        self.intermediate = Issued(builder.sign(root_key, hashes.SHA256()), intermediate_key)
        responder_key = _rsa_key()
        responder = (
            x509.CertificateBuilder().subject_name(_name(common_name="OCSP RESPONDER (TEST)", organisation="TEST PKI"))
            .issuer_name(self.intermediate.certificate.subject).public_key(responder_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=30)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
            .add_extension(x509.OCSPNoCheck(), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(intermediate_key.public_key()), critical=False)
            .sign(intermediate_key, hashes.SHA256())
        )
        self.ocsp_responder = Issued(responder, responder_key)

    @staticmethod
    def _ca_key_usage() -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                             data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                             encipher_only=False, decipher_only=False)

    def _crl_points(self, name: str) -> x509.CRLDistributionPoints:
        return x509.CRLDistributionPoints([
            x509.DistributionPoint(full_name=[x509.UniformResourceIdentifier(f"{self.base_url}/{name}")],
                                   relative_name=None, reasons=None, crl_issuer=None)
        ])

    # --- signers ------------------------------------------------------------------------
    def issue_signer(
        self, *, iin: str, bin: str = "", surname: str = "ЖАНЫБЕКОВА", given_name: str = "ЕРЛАНҚЫЗЫ",
        first_name: str = "АСЕЛЬ", organisation: str = "«БОЛАШАҚ» ЖЕКЕМЕНШІК МЕКТЕБІ", key_type: str = "rsa",
        not_before: dt.datetime | None = None, not_after: dt.datetime | None = None,
        digital_signature: bool = True, non_repudiation: bool = True, ocsp: bool = True, crl: bool = True,
        issuer: Issued | None = None,
    ) -> Issued:
        """A signer's certificate, issued by the intermediate (or ``issuer``)."""
        now = _now()
        key = ec.generate_private_key(ec.SECP256R1()) if key_type == "ec" else _rsa_key()
        issuer = issuer or self.intermediate
        subject = _name(common_name=f"{surname} {first_name}", surname=surname, given_name=given_name, iin=iin,
                        organisation=organisation if bin else "", bin=bin)
        builder = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(issuer.certificate.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - dt.timedelta(days=30))
            .not_valid_after(not_after or now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(digital_signature=digital_signature, content_commitment=non_repudiation,
                              key_encipherment=not (digital_signature or non_repudiation), data_encipherment=False,
                              key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False,
                              decipher_only=False),
                critical=True,
            )
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
        )
        if self.base_url and ocsp:
            builder = builder.add_extension(x509.AuthorityInformationAccess([
                x509.AccessDescription(AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(f"{self.base_url}/ocsp")),
            ]), critical=False)
        if self.base_url and crl:
            builder = builder.add_extension(self._crl_points("intermediate.crl"), critical=False)
        return Issued(builder.sign(issuer.key, hashes.SHA256()), key)

    def self_signed_signer(self, *, iin: str, bin: str = "") -> Issued:
        """A certificate that names itself as issuer: what a forger makes with openssl in a minute."""
        now = _now()
        key = _rsa_key()
        subject = _name(common_name="ЖАНЫБЕКОВА АСЕЛЬ", surname="ЖАНЫБЕКОВА", given_name="ЕРЛАНҚЫЗЫ", iin=iin,
                        organisation="«БОЛАШАҚ» ЖЕКЕМЕНШІК МЕКТЕБІ" if bin else "", bin=bin)
        cert = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(key, hashes.SHA256())
        )
        return Issued(cert, key)

    def gost_signer_certificate(self, *, iin: str, bin: str = "") -> bytes:
        """DER of a certificate whose key is a GOST 34.310-2004 key (random bytes), signed by the intermediate.

        ``cryptography`` has no GOST, so the certificate is assembled with asn1crypto's structures;
        it is enough for a verifier to see which algorithm the key claims.
        """
        template = self.issue_signer(iin=iin, bin=bin, ocsp=False, crl=False)
        tbs = asn1_x509.TbsCertificate.load(template.certificate.tbs_certificate_bytes)
        gost_key = asn1_keys.PublicKeyInfo({
            "algorithm": asn1_keys.PublicKeyAlgorithm({"algorithm": KZ_GOST_34310_KEY_OID}),
            "public_key": asn1_core.OctetString(secrets.token_bytes(64)).dump(),
        })
        tbs["subject_public_key_info"] = gost_key
        tbs_der = tbs.dump(force=True)
        signature = self.intermediate.key.sign(tbs_der, padding.PKCS1v15(), hashes.SHA256())
        certificate = asn1_x509.Certificate({
            "tbs_certificate": asn1_x509.TbsCertificate.load(tbs_der),
            "signature_algorithm": {"algorithm": "sha256_rsa"},
            "signature_value": signature,
        })
        return certificate.dump()

    # --- revocation -----------------------------------------------------------------------
    def revoke(self, issued: Issued, *, at: dt.datetime | None = None) -> None:
        serial = issued.certificate.serial_number
        self.revoked[serial] = Revocation(serial=serial, revoked_at=at or _now() - dt.timedelta(hours=1))

    def crl(self, *, issuer: str = "intermediate") -> bytes:
        """The current CRL of the intermediate (or the root), DER."""
        self.crl_requests += 1
        ca = self.intermediate if issuer == "intermediate" else self.root
        now = _now()
        builder = (
            x509.CertificateRevocationListBuilder().issuer_name(ca.certificate.subject)
            .last_update(now - dt.timedelta(minutes=5)).next_update(now + dt.timedelta(days=1))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
        )
        if ca is self.intermediate:
            for revocation in self.revoked.values():
                builder = builder.add_revoked_certificate(
                    x509.RevokedCertificateBuilder().serial_number(revocation.serial)
                    .revocation_date(revocation.revoked_at).build()
                )
        return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_response(self, request_der: bytes) -> bytes:
        """Answer an OCSP request for a certificate of the intermediate, signed by the responder."""
        from cryptography.x509 import ocsp

        self.ocsp_requests += 1
        request = ocsp.load_der_ocsp_request(request_der)
        serial = request.serial_number
        revocation = self.revoked.get(serial)
        now = _now()
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash, issuer_key_hash=request.issuer_key_hash, serial_number=serial,
            algorithm=request.hash_algorithm,
            cert_status=ocsp.OCSPCertStatus.REVOKED if revocation else ocsp.OCSPCertStatus.GOOD,
            this_update=now - dt.timedelta(minutes=1), next_update=now + dt.timedelta(hours=1),
            revocation_time=revocation.revoked_at if revocation else None, revocation_reason=None,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, self.ocsp_responder.certificate)
        builder = builder.certificates([self.ocsp_responder.certificate])
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, critical=False)
        response = builder.sign(self.ocsp_responder.key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    # --- trust directory --------------------------------------------------------------------
    def write_trust_dir(self, path: Path) -> Path:
        """The root as PEM and the intermediate as DER, as an operator would drop the CA's files."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "root.pem").write_bytes(self.root.pem)
        (path / "intermediate.cer").write_bytes(self.intermediate.der)
        return path


def sign_cms(signer: Issued, data: bytes, *, extra_certificates: list[x509.Certificate] | None = None) -> bytes:
    """A CMS SignedData over ``data`` (attached), SHA-256, with contentType, messageDigest and signingTime.

    What NCALayer's ``createCMSSignatureFromBase64(…, attach=true)`` returns, made with
    ``cryptography``'s PKCS#7 builder.
    """
    builder = pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(signer.certificate, signer.key, hashes.SHA256())
    for certificate in extra_certificates or []:
        builder = builder.add_certificate(certificate)
    return builder.sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary, pkcs7.PKCS7Options.NoCapabilities])
