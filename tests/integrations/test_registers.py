"""The register clients' transports: the web service (against a fake on 127.0.0.1) and files."""

import time

import pytest
from django.utils import translation

from core.errors import DomainError
from integrations.registers import FileTransport, HttpTransport, RegisterUnavailable, SourceKind, licences, rnu
from integrations.registers.licences import licence_register_http
from integrations.registers.rnu import rnu_register_http
from tests.factories import next_bin
from tests.integrations.fakes import FakeRegister, licence_record


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


def licence_rows(source, **params):
    return list(source.rows(columns=licences.COLUMNS, optional=licences.OPTIONAL, params=params or None))


class HttpTransportTests:
    def test_reads_the_records_sends_the_token_and_follows_pages_on_the_same_server(self, fake):
        first, second = next_bin(), next_bin()
        fake.script = [(200, {"results": [licence_record(first)], "next": "/licences/page2"}, 0)]
        fake.pages["/licences/page2"] = {"results": [licence_record(second, "L-2", ["general"], "revoked")], "next": None}
        source = transport(fake)
        rows = licence_rows(source)
        assert [(row.line, row.data) for row in rows] == [
            (1, {"bin": first, "licence_number": "L-1", "issued_on": "2020-01-15", "levels": "primary;basic", "status": "active"}),
            (2, {"bin": second, "licence_number": "L-2", "issued_on": "2020-01-15", "levels": "general", "status": "revoked"}),
        ]
        assert {request["authorization"] for request in fake.requests} == {"Bearer secret-token"}
        assert source.info.kind == SourceKind.HTTP and source.info.label == fake.url + "/licences" and len(source.info.sha256) == 64

    def test_server_errors_are_retried_with_exponential_back_off(self, fake):
        waits = []
        fake.script = [(503, {"error": "busy"}, 0), (500, {}, 0), (200, [licence_record(next_bin())], 0)]
        source = transport(fake, backoff=0.5, sleep=waits.append)
        assert len(licence_rows(source)) == 1
        assert waits == [0.5, 1.0]
        assert source.client.attempts == 3

    def test_gives_up_after_the_retries_naming_the_problem(self, fake):
        waits = []
        fake.script = [(502, {}, 0)]
        source = transport(fake, retries=2, backoff=1, sleep=waits.append, service="Licence register")
        with translation.override("en"), pytest.raises(RegisterUnavailable) as failure:
            licence_rows(source)
        assert str(failure.value).startswith("Licence register: ")
        assert "after 3 attempt(s)" in str(failure.value) and "HTTP 502" in str(failure.value)
        assert waits == [1, 2] and len(fake.requests) == 3

    def test_a_slow_answer_times_out_and_is_retried(self, fake):
        fake.script = [(200, [licence_record(next_bin())], 1.0), (200, [licence_record(next_bin())], 0)]
        source = transport(fake, timeout=0.2, sleep=lambda s: None)
        started = time.monotonic()
        assert len(licence_rows(source)) == 1
        assert len(fake.requests) == 2 and time.monotonic() - started < 1.0

    def test_timeouts_on_every_attempt_end_in_a_clear_error(self, fake):
        fake.script = [(200, [], 1.0)]
        with pytest.raises(RegisterUnavailable):
            licence_rows(transport(fake, timeout=0.1, retries=1, sleep=lambda s: None))
        assert len(fake.requests) == 2

    def test_a_refusal_is_not_retried(self, fake):
        fake.script = [(401, {"error": "bad token"}, 0)]
        with translation.override("en"), pytest.raises(RegisterUnavailable) as failure:
            licence_rows(transport(fake, sleep=lambda s: None))
        assert "HTTP 401" in str(failure.value) and len(fake.requests) == 1

    def test_a_next_page_on_another_server_is_refused_so_the_token_stays_home(self, fake):
        fake.script = [(200, {"results": [], "next": "http://203.0.113.9/steal"}, 0)]
        with pytest.raises(RegisterUnavailable):
            licence_rows(transport(fake))
        assert len(fake.requests) == 1

    def test_an_answer_that_is_not_json_is_an_error(self, fake):
        fake.script = [(200, b"<html>maintenance</html>", 0)]
        with pytest.raises(RegisterUnavailable):
            licence_rows(transport(fake))

    def test_a_record_that_is_not_an_object_keeps_its_position(self, fake):
        fake.script = [(200, [licence_record(next_bin()), "oops"], 0)]
        rows = licence_rows(transport(fake))
        assert [(row.line, "__not_object__" in row.data) for row in rows] == [(1, False), (2, True)]

    def test_parameters_ask_the_service_for_one_entity(self, fake):
        wanted = next_bin()
        fake.script = [(200, [{"bin": wanted, "included_on": "2024-01-01", "reason": "court"}], 0)]
        rows = list(transport(fake, path="/rnu").rows(columns=rnu.COLUMNS, optional=rnu.OPTIONAL, params={"bin": wanted}))
        assert [row.data["bin"] for row in rows] == [wanted]
        assert fake.requests[0]["query"] == {"bin": [wanted]}

    def test_a_url_that_is_not_http_is_refused(self):
        with pytest.raises(DomainError):
            HttpTransport(url="file:///etc/passwd")


class FileTransportTests:
    def test_the_file_transport_reads_the_same_columns_with_file_line_numbers(self):
        bin_value = next_bin()
        content = f"bin,included_on,reason\n{bin_value},2024-01-01,court\n".encode()
        source = FileTransport(content, label="rnu.csv", kind=SourceKind.UPLOAD)
        rows = list(source.rows(columns=rnu.COLUMNS, optional=rnu.OPTIONAL))
        assert [(row.line, row.data) for row in rows] == [(2, {"bin": bin_value, "included_on": "2024-01-01", "reason": "court"})]
        assert (source.info.label, source.info.kind) == ("rnu.csv", SourceKind.UPLOAD)


class FactoryTests:
    def test_factories_take_the_settings(self, settings):
        settings.LICENCE_REGISTER_URL = "https://licences.example.kz/api"
        settings.LICENCE_REGISTER_TOKEN = "tok"
        settings.RNU_REGISTER_URL = "https://rnu.example.kz/api"
        settings.REGISTER_HTTP_TIMEOUT = 7.5
        settings.REGISTER_HTTP_RETRIES = 4
        assert licence_register_http().client.timeout == 7.5
        assert licence_register_http().client.token == "tok"
        assert rnu_register_http().client.retries == 4

    def test_an_unconfigured_register_is_reported(self, settings):
        settings.RNU_REGISTER_URL = ""
        with pytest.raises(DomainError) as failure:
            rnu_register_http()
        assert failure.value.code == "not_configured"
