"""A small fake register web service on 127.0.0.1 (http.server in a thread), for the register tests."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeRegister:
    """Scripted answers: each request takes the next item of ``script`` (status, body, delay) or repeats the last."""

    def __init__(self):
        self.script: list[tuple[int, object, float]] = []
        self.requests: list[dict] = []
        self.pages: dict[str, object] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - http.server's naming
                parsed = urlsplit(self.path)
                fake.requests.append({"path": parsed.path, "query": parse_qs(parsed.query),
                                      "authorization": self.headers.get("Authorization")})
                if parsed.path in fake.pages:
                    status, body, delay = 200, fake.pages[parsed.path], 0
                else:
                    index = min(len(fake.requests) - 1, len(fake.script) - 1)
                    status, body, delay = fake.script[index]
                if delay:
                    time.sleep(delay)
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def licence_record(bin_value, number="L-1", levels=("primary", "basic"), status="active"):
    return {"bin": bin_value, "licence_number": number, "issued_on": "2020-01-15", "levels": list(levels), "status": status}
