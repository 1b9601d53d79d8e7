"""The register clients against a small fake web service on 127.0.0.1 (http.server in a thread)."""

import datetime as dt
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.utils import translation

from schools.choices import ChangeSource
from schools.models import Licence, RegisterLoad, UnreliableSupplierEntry
from schools.registers import FileTransport, HttpTransport, RegisterUnavailable
from schools.registers.licences import LicenceRegister, licence_register_http
from schools.registers.rnu import UnreliableSupplierRegister, rnu_register_http
from tests.factories import next_bin


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

            def do_GET(self):
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


@pytest.fixture
def fake():
    with FakeRegister() as server:
        yield server


def transport(fake, path="/licences", **options):
    options.setdefault("token", "secret-token")
    options.setdefault("timeout", 2)
    options.setdefault("retries", 3)
    options.setdefault("backoff", 0.01)
    return HttpTransport(url=fake.url + path, **options)


def licence_record(bin_value, number="L-1", levels=("primary", "basic"), status="active"):
    return {"bin": bin_value, "licence_number": number, "issued_on": "2020-01-15", "levels": list(levels), "status": status}


class HttpTransportTests:
    def test_reads_the_records_sends_the_token_and_follows_pages_on_the_same_server(self, fake):
        first, second = next_bin(), next_bin()
        fake.script = [(200, {"results": [licence_record(first)], "next": "/licences/page2"}, 0)]
        fake.pages["/licences/page2"] = {"results": [licence_record(second, "L-2", ["general"], "revoked")], "next": None}
        result = LicenceRegister(transport(fake)).read()
        assert result.errors == []
        assert [(r.bin, r.number, r.levels, r.status) for r in result.records] == [
            (first, "L-1", ("primary", "basic"), "active"), (second, "L-2", ("general",), "revoked")]
        assert [r.line for r in result.records] == [1, 2]
        assert {request["authorization"] for request in fake.requests} == {"Bearer secret-token"}
        assert result.source.kind == ChangeSource.HTTP and len(result.source.sha256) == 64

    def test_server_errors_are_retried_with_exponential_back_off(self, fake):
        waits = []
        fake.script = [(503, {"error": "busy"}, 0), (500, {}, 0), (200, [licence_record(next_bin())], 0)]
        client = LicenceRegister(transport(fake, backoff=0.5, sleep=waits.append))
        assert len(client.read().records) == 1
        assert waits == [0.5, 1.0]
        assert client.transport.attempts == 3

    def test_gives_up_after_the_retries_naming_the_problem(self, fake):
        waits = []
        fake.script = [(502, {}, 0)]
        client = LicenceRegister(transport(fake, retries=2, backoff=1, sleep=waits.append))
        with translation.override("en"), pytest.raises(RegisterUnavailable) as failure:
            client.read()
        assert "after 3 attempt(s)" in str(failure.value) and "HTTP 502" in str(failure.value)
        assert waits == [1, 2] and len(fake.requests) == 3

    def test_a_slow_answer_times_out_and_is_retried(self, fake):
        fake.script = [(200, [licence_record(next_bin())], 1.0), (200, [licence_record(next_bin())], 0)]
        client = LicenceRegister(transport(fake, timeout=0.2, sleep=lambda s: None))
        started = time.monotonic()
        assert len(client.read().records) == 1
        assert len(fake.requests) == 2 and time.monotonic() - started < 1.0

    def test_timeouts_on_every_attempt_end_in_a_clear_error(self, fake):
        fake.script = [(200, [], 1.0)]
        client = LicenceRegister(transport(fake, timeout=0.1, retries=1, sleep=lambda s: None))
        with pytest.raises(RegisterUnavailable):
            client.read()
        assert len(fake.requests) == 2

    def test_a_refusal_is_not_retried(self, fake):
        fake.script = [(401, {"error": "bad token"}, 0)]
        client = LicenceRegister(transport(fake, sleep=lambda s: None))
        with translation.override("en"), pytest.raises(RegisterUnavailable) as failure:
            client.read()
        assert "HTTP 401" in str(failure.value) and len(fake.requests) == 1

    def test_a_next_page_on_another_server_is_refused_so_the_token_stays_home(self, fake):
        fake.script = [(200, {"results": [], "next": "http://203.0.113.9/steal"}, 0)]
        with pytest.raises(RegisterUnavailable):
            LicenceRegister(transport(fake)).read()

    def test_an_answer_that_is_not_json_is_an_error(self, fake):
        fake.script = [(200, b"<html>maintenance</html>", 0)]
        with pytest.raises(RegisterUnavailable):
            LicenceRegister(transport(fake)).read()

    def test_bad_records_are_reported_by_position_like_bad_lines(self, fake):
        fake.script = [(200, [licence_record(next_bin()), "oops", licence_record("123", "L-3"),
                              {**licence_record(next_bin(), "L-4"), "status": "expired"}], 0)]
        with translation.override("en"):
            result = LicenceRegister(transport(fake)).read()
        assert [(e.line, e.column) for e in result.errors] == [(2, None), (3, "bin"), (4, "status")]
        assert len(result.records) == 1

    def test_for_bin_asks_the_service_for_one_entity(self, fake):
        wanted = next_bin()
        fake.script = [(200, [{"bin": wanted, "included_on": "2024-01-01", "reason": "court"}], 0)]
        records = UnreliableSupplierRegister(transport(fake, path="/rnu")).for_bin(wanted)
        assert [(r.bin, r.included_on) for r in records] == [(wanted, dt.date(2024, 1, 1))]
        assert fake.requests[0]["query"] == {"bin": [wanted]}

    def test_a_url_that_is_not_http_is_refused(self):
        from core.errors import DomainError

        with pytest.raises(DomainError):
            HttpTransport(url="file:///etc/passwd")


class FileTransportTests:
    def test_the_file_transport_reads_the_same_records(self):
        bin_value = next_bin()
        content = f"bin,included_on,reason\n{bin_value},2024-01-01,court\n".encode()
        records = UnreliableSupplierRegister(FileTransport(content, label="rnu.csv")).for_bin(bin_value)
        assert [(r.line, r.reason) for r in records] == [(2, "court")]


@pytest.mark.django_db
class ImportFromHttpTests:
    def test_import_registry_http_loads_the_licence_register_from_the_configured_service(self, fake, settings, school_a):
        settings.LICENCE_REGISTER_URL = fake.url + "/licences"
        settings.LICENCE_REGISTER_TOKEN = "tok"
        settings.REGISTER_HTTP_BACKOFF = 0.01
        fake.script = [(503, {}, 0), (200, [licence_record(school_a.bin)], 0)]
        out = io.StringIO()
        with translation.override("en"):
            call_command("import_registry", "licences", "--http", stdout=out, stderr=io.StringIO())
        assert "1 new" in out.getvalue()
        assert Licence.objects.get(bin=school_a.bin).levels == ["primary", "basic"]
        load = RegisterLoad.objects.get()
        assert (load.source, load.source_kind) == (fake.url + "/licences", "http")
        assert fake.requests[-1]["authorization"] == "Bearer tok"

    def test_an_unavailable_service_changes_nothing_and_fails_the_command(self, fake, settings):
        from django.core.management import CommandError

        settings.RNU_REGISTER_URL = fake.url + "/rnu"
        settings.REGISTER_HTTP_RETRIES = 1
        settings.REGISTER_HTTP_BACKOFF = 0.01
        fake.script = [(500, {}, 0)]
        with pytest.raises(CommandError):
            call_command("import_registry", "rnu", "--http", stdout=io.StringIO(), stderr=io.StringIO())
        assert UnreliableSupplierEntry.objects.count() == 0 and RegisterLoad.objects.count() == 0

    def test_factories_take_the_settings(self, settings):
        settings.LICENCE_REGISTER_URL = "https://licences.example.kz/api"
        settings.RNU_REGISTER_URL = "https://rnu.example.kz/api"
        settings.REGISTER_HTTP_TIMEOUT = 7.5
        settings.REGISTER_HTTP_RETRIES = 4
        assert licence_register_http().transport.timeout == 7.5
        assert rnu_register_http().transport.retries == 4
