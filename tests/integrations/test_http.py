"""The one HTTP transport (integrations.http) against scripted servers on 127.0.0.1."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import translation

from integrations.http import MAX_DELAY, HttpClient, ServiceUnavailable, http_url


class Scripted:
    """A loopback server: request n gets ``script[n]`` (or the last item) — a dict with ``status``,
    ``body`` (bytes), ``headers``, and ``trickle`` (seconds between the body's bytes)."""

    def __init__(self):
        self.script: list[dict] = [{"status": 200, "body": b"{}"}]
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - http.server's naming
                fake.requests.append({"path": self.path, "authorization": self.headers.get("Authorization")})
                step = fake.script[min(len(fake.requests), len(fake.script)) - 1]
                body = step.get("body", b"")
                try:
                    self.send_response(step.get("status", 200))
                    for name, value in {"Content-Length": str(len(body)), **step.get("headers", {})}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if step.get("trickle"):
                        for index in range(len(body)):
                            self.wfile.write(body[index:index + 1])
                            self.wfile.flush()
                            time.sleep(step["trickle"])
                    else:
                        self.wfile.write(body)
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


@pytest.fixture
def server():
    with Scripted() as running:
        yield running


@pytest.fixture
def other_server():
    with Scripted() as running:
        yield running


def client(server, **options):
    waits = []
    options.setdefault("timeout", 2)
    options.setdefault("retries", 3)
    options.setdefault("backoff", 0.5)
    return HttpClient(url=server.url, service="Test service", sleep=waits.append, **options), waits


class DeadlineTests:
    def test_a_server_that_trickles_bytes_is_cut_at_the_deadline_for_the_whole_request(self, server):
        # 30 bytes, one every 0.05 s: each socket read waits far less than the 0.5 s limit, so a
        # timeout per read would never trip; the whole answer would take 1.5 s.
        server.script = [{"status": 200, "body": b"x" * 30, "trickle": 0.05}]
        http, waits = client(server, timeout=0.5, retries=0)
        started = time.monotonic()
        with translation.override("en"), pytest.raises(ServiceUnavailable) as failure:
            http.get(server.url + "/slow")
        assert time.monotonic() - started < 1.2
        assert "no complete answer within 0.5 s" in str(failure.value) and http.attempts == 1

    def test_the_same_trickle_within_the_deadline_arrives_whole(self, server):
        server.script = [{"status": 200, "body": b"0123456789", "trickle": 0.02}]
        http, _waits = client(server, timeout=5, retries=0)
        assert http.get(server.url + "/slow") == b"0123456789"

    def test_a_missed_deadline_is_retried_like_any_timeout(self, server):
        server.script = [{"status": 200, "body": b"x" * 30, "trickle": 0.05}, {"status": 200, "body": b"[1]"}]
        http, waits = client(server, timeout=0.4, retries=2)
        assert http.get_json(server.url + "/") == [1]
        assert waits == [0.5] and len(server.requests) == 2


class RetryTests:
    def test_server_errors_are_retried_with_exponential_back_off(self, server):
        server.script = [{"status": 500}, {"status": 502}, {"status": 503}, {"status": 200, "body": b"ok"}]
        http, waits = client(server, backoff=0.5)
        assert http.get(server.url + "/") == b"ok"
        assert waits == [0.5, 1.0, 2.0] and http.attempts == 4

    def test_retry_after_wins_over_the_back_off_and_is_capped(self, server):
        server.script = [{"status": 429, "headers": {"Retry-After": "7"}}, {"status": 503, "headers": {"Retry-After": "3600"}},
                         {"status": 503, "headers": {"Retry-After": "soon"}}, {"status": 200, "body": b"ok"}]
        http, waits = client(server, backoff=0.5)
        assert http.get(server.url + "/") == b"ok"
        assert waits == [7.0, MAX_DELAY, 2.0]  # an unreadable Retry-After falls back to the back-off (0.5 × 2²)

    def test_a_refusal_is_not_retried(self, server):
        server.script = [{"status": 404}]
        http, waits = client(server)
        with translation.override("en"), pytest.raises(ServiceUnavailable) as failure:
            http.get(server.url + "/missing")
        assert "HTTP 404" in str(failure.value) and failure.value.details["status"] == 404
        assert waits == [] and len(server.requests) == 1

    def test_a_refused_token_says_so_at_once(self, server):
        server.script = [{"status": 401}]
        http, waits = client(server, token="wrong")
        with translation.override("en"), pytest.raises(ServiceUnavailable) as failure:
            http.get(server.url + "/")
        assert "check the token" in str(failure.value) and waits == []

    def test_giving_up_names_the_attempts_and_the_last_problem(self, server):
        server.script = [{"status": 503}]
        http, waits = client(server, retries=2, backoff=1)
        with translation.override("en"), pytest.raises(ServiceUnavailable) as failure:
            http.get(server.url + "/")
        assert "after 3 attempt(s): HTTP 503" in str(failure.value)
        assert waits == [1, 2] and len(server.requests) == 3

    def test_a_server_that_is_down_is_retried_then_reported(self):
        waits = []
        http = HttpClient(url="http://127.0.0.1:9", service="Test service", retries=1, backoff=0.25, timeout=1, sleep=waits.append)
        with pytest.raises(ServiceUnavailable):
            http.get("http://127.0.0.1:9/")
        assert waits == [0.25] and http.attempts == 2


class RequestTests:
    def test_the_bearer_token_is_sent_and_only_when_configured(self, server):
        client(server, token="s3cret")[0].get(server.url + "/a")
        client(server)[0].get(server.url + "/b")
        assert [r["authorization"] for r in server.requests] == ["Bearer s3cret", None]

    def test_query_parameters_are_added_to_the_address(self, server):
        client(server)[0].get(server.url + "/rows?x=1", params={"page": 2, "page_size": 5})
        assert server.requests[0]["path"] == "/rows?x=1&page=2&page_size=5"

    def test_a_redirect_to_another_server_does_not_carry_the_token(self, server, other_server):
        server.script = [{"status": 302, "headers": {"Location": other_server.url + "/moved"}}]
        other_server.script = [{"status": 200, "body": b"here"}]
        assert client(server, token="s3cret")[0].get(server.url + "/") == b"here"
        assert server.requests[0]["authorization"] == "Bearer s3cret"
        assert other_server.requests == [{"path": "/moved", "authorization": None}]

    def test_an_answer_larger_than_the_limit_is_refused_without_retry(self, server):
        server.script = [{"status": 200, "body": b"x" * 5000}]
        http, waits = client(server, max_bytes=1024)
        with pytest.raises(ServiceUnavailable):
            http.get(server.url + "/")
        assert waits == [] and len(server.requests) == 1

    def test_an_answer_that_is_not_json_is_an_error(self, server):
        server.script = [{"status": 200, "body": b"<html>maintenance</html>"}]
        with pytest.raises(ServiceUnavailable):
            client(server)[0].get_json(server.url + "/")

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.kz/x", "example.kz/api", ""])
    def test_only_http_addresses_are_accepted(self, url):
        with pytest.raises(ServiceUnavailable):
            http_url(url, service="Test service")

    def test_the_proxy_the_environment_names_is_used(self, server, monkeypatch):
        monkeypatch.setenv("http_proxy", server.url)
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        http = HttpClient(url="http://nobd.example.kz/api", service="Test service", token="s3cret", sleep=lambda s: None)
        http.get("http://nobd.example.kz/api/snapshots/latest")
        assert server.requests == [{"path": "http://nobd.example.kz/api/snapshots/latest", "authorization": "Bearer s3cret"}]
