"""A stand-in for NCALayer (the national signing application): its WebSocket API, on loopback.

It speaks what ``ncalayer-js-client`` speaks:

* on connection it greets with ``{"result": {"version": …}}``;
* ``kz.gov.pki.knca.basics`` / ``sign`` with ``format: "cms"`` answers
  ``{"status": true, "body": {"result": [<base64 CMS>, …]}}``: each document signed with the
  configured certificate of a :class:`~signatures.testing.pki.TestPKI` (data attached when
  ``signingParams.encapsulate``); ``cancel = True`` answers as when the user closes the dialog;
* ``kz.gov.pki.knca.commonUtils`` / ``createCMSSignatureFromBase64`` answers
  ``{"code": "200", "responseObject": <base64 CMS>}``;
* anything else (the KAZTOKEN probe ``kz.digiflow.mobile.extensions``) answers code 500.

Plain ``ws://`` (the real one is ``wss://127.0.0.1:13579``): point ``SIGNATURE_NCALAYER_URL`` at
:attr:`FakeNCALayer.url`. Development and tests only.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading

from signatures.testing.pki import Issued, sign_cms

VERSION = "1.4 (fake, tests)"


class FakeNCALayer:
    def __init__(self, signer: Issued | None = None, *, extra_certificates=(), host: str = "127.0.0.1", port: int = 0):
        self.signer = signer
        self.extra_certificates = list(extra_certificates)
        self.host = host
        self.port = port
        self.cancel = False
        self.requests: list[dict] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def _sign(self, data_b64: str, attach: bool) -> str:
        if self.signer is None:
            raise ValueError("no key")
        data = base64.b64decode(data_b64)
        der = sign_cms(self.signer, data, extra_certificates=self.extra_certificates)
        if not attach:
            from asn1crypto import cms

            info = cms.ContentInfo.load(der)
            info["content"]["encap_content_info"]["content"] = None
            der = info.dump(force=True)
        return base64.b64encode(der).decode("ascii")

    def answer(self, request: dict) -> dict:
        module, method = request.get("module"), request.get("method")
        if module == "kz.gov.pki.knca.basics" and method == "sign":
            args = request.get("args") or {}
            if self.cancel:
                return {"status": True, "body": {}}
            if args.get("format") != "cms" or self.signer is None:
                return {"status": False, "code": "500", "message": "unsupported", "details": args.get("format")}
            documents = args.get("data")
            documents = documents if isinstance(documents, list) else [documents]
            attach = bool((args.get("signingParams") or {}).get("encapsulate"))
            return {"status": True, "body": {"result": [self._sign(document, attach) for document in documents]}}
        if module == "kz.gov.pki.knca.commonUtils" and method == "createCMSSignatureFromBase64":
            if self.cancel or self.signer is None:
                return {"code": "500", "message": "action.canceled"}
            _storage, _key_type, data, attach = request.get("args")
            return {"code": "200", "responseObject": self._sign(data, bool(attach))}
        return {"code": "500", "message": f"unknown module or method {module}.{method}"}

    async def _handle(self, connection):
        await connection.send(json.dumps({"result": {"version": VERSION}}))
        async for message in connection:
            request = json.loads(message)
            self.requests.append(request)
            await connection.send(json.dumps(self.answer(request)))

    def _run(self):
        from websockets.asyncio.server import serve

        async def main():
            self._server = await serve(self._handle, self.host, self.port)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()
            await self._server.wait_closed()

        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(main())
        self._loop.close()

    def start(self) -> FakeNCALayer:
        self._thread = threading.Thread(target=self._run, name="fake-ncalayer", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout=10):
            raise RuntimeError("the fake NCALayer did not start")
        return self

    def stop(self) -> None:
        if self._loop and self._server:
            self._loop.call_soon_threadsafe(self._server.close)
        if self._thread:
            self._thread.join(timeout=10)
