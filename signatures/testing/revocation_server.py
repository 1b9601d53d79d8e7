"""A fake OCSP responder and CRL distribution point of a :class:`~signatures.testing.pki.TestPKI`, on loopback.

``POST /ocsp`` (DER request, RFC 6960) and ``GET /ocsp/<base64 request>`` answer with the PKI's
responder; ``GET /intermediate.crl`` and ``GET /root.crl`` serve the current CRLs. Setting
``ocsp_down`` makes the responder answer 503, to exercise the fall-back to the CRL.
Development and tests only.
"""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from signatures.testing.pki import TestPKI


class _Handler(BaseHTTPRequestHandler):
    server: RevocationServer

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def _send(self, status: int, body: bytes = b"", content_type: str = "application/octet-stream") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _ocsp(self, request_der: bytes) -> None:
        if self.server.ocsp_down or self.server.pki is None:
            self._send(503)
            return
        self._send(200, self.server.pki.ocsp_response(request_der), "application/ocsp-response")

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path.rstrip("/") == "/ocsp":
            self._ocsp(body)
        else:
            self._send(404)

    def do_GET(self):  # noqa: N802
        pki = self.server.pki
        if self.path.startswith("/ocsp/"):
            self._ocsp(base64.b64decode(unquote(self.path[len("/ocsp/"):])))
        elif self.path == "/intermediate.crl" and pki is not None:
            self._send(200, pki.crl(issuer="intermediate"), "application/pkix-crl")
        elif self.path == "/root.crl" and pki is not None:
            self._send(200, pki.crl(issuer="root"), "application/pkix-crl")
        else:
            self._send(404)


class RevocationServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), _Handler)
        self.pki: TestPKI | None = None
        self.ocsp_down = False
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> RevocationServer:
        self._thread = threading.Thread(target=self.serve_forever, name="fake-revocation-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread:
            self._thread.join(timeout=5)
