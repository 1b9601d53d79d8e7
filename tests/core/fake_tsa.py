"""A fake RFC 3161 timestamp authority on loopback, built from asn1crypto structures and a key of
``cryptography``: it answers ``application/timestamp-query`` POSTs with a granted TimeStampResp whose
token is CMS SignedData over a TSTInfo (our nonce and message imprint), signed RSA/SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import algos, cms, tsp, x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def make_authority(name: str = "Fake TSA"):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = crypto_x509.Name([crypto_x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        crypto_x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(crypto_x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(crypto_x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


class FakeTSA:
    def __init__(self, *, refuse: bool = False, tamper_imprint: bool = False):
        self.key, self.certificate = make_authority()
        self.refuse = refuse
        self.tamper_imprint = tamper_imprint
        self.serials = itertools.count(1)
        self.requests = 0

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def answer(self, body: bytes) -> bytes:
        self.requests += 1
        request = tsp.TimeStampReq.load(body)
        if self.refuse:
            status = tsp.PKIStatusInfo({"status": "rejection", "status_string": ["unavailable"]}).dump()
            return bytes([0x30, len(status)]) + status  # TimeStampResp without a token
        imprint = request["message_imprint"]
        if self.tamper_imprint:
            imprint = tsp.MessageImprint({"hash_algorithm": {"algorithm": "sha256"},
                                          "hashed_message": hashlib.sha256(b"something else").digest()})
        info = tsp.TSTInfo({
            "version": "v1", "policy": "1.2.3.4.1", "message_imprint": imprint,
            "serial_number": next(self.serials), "gen_time": dt.datetime.now(dt.UTC).replace(microsecond=0),
            "nonce": request["nonce"].native,
        })
        info_der = info.dump()
        certificate = x509.Certificate.load(self.certificate.public_bytes(serialization.Encoding.DER))
        signed_attrs = cms.CMSAttributes([
            cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
            cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(info_der).digest()]}),
        ])
        signature = self.key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
        signed_data = cms.SignedData({
            "version": "v3",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {"content_type": "tst_info", "content": cms.ParsableOctetString(info_der)},
            "certificates": [certificate],
            "signer_infos": [{
                "version": "v1",
                "sid": cms.SignerIdentifier({"issuer_and_serial_number": {
                    "issuer": certificate.issuer, "serial_number": certificate.serial_number}}),
                "digest_algorithm": {"algorithm": "sha256"},
                "signed_attrs": signed_attrs,
                "signature_algorithm": {"algorithm": "rsassa_pkcs1v15"},
                "signature": signature,
            }],
        })
        token = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
        return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()


@contextmanager
def running_tsa(**options):
    """Serve a FakeTSA on 127.0.0.1 (a free port) for the block; yields (tsa, url)."""
    authority = FakeTSA(**options)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_response(415)
                self.end_headers()
                return
            answer = authority.answer(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield authority, f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
