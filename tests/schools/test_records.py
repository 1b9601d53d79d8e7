"""Register rows read into records (schools.records), whichever transport brought them."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from integrations.registers import FileTransport, HttpTransport
from schools.models import Licence, RegisterLoad, UnreliableSupplierEntry
from schools.records import LicenceRegister, UnreliableSupplierRegister
from tests.factories import next_bin
from tests.integrations.fakes import FakeRegister, licence_record


@pytest.fixture
def fake():
    with FakeRegister() as server:
        yield server


def transport(fake, path="/licences"):
    return HttpTransport(url=fake.url + path, token="secret-token", timeout=2, retries=3, backoff=0.01)


class RecordTests:
    def test_the_web_service_gives_the_same_records_as_a_file(self, fake):
        first, second = next_bin(), next_bin()
        fake.script = [(200, [licence_record(first), licence_record(second, "L-2", ["general"], "revoked")], 0)]
        result = LicenceRegister(transport(fake)).read()
        assert result.errors == []
        assert [(r.line, r.bin, r.number, r.levels, r.status) for r in result.records] == [
            (1, first, "L-1", ("primary", "basic"), "active"), (2, second, "L-2", ("general",), "revoked")]

    def test_bad_records_are_reported_by_position_like_bad_lines(self, fake):
        fake.script = [(200, [licence_record(next_bin()), "oops", licence_record("123", "L-3"),
                              {**licence_record(next_bin(), "L-4"), "status": "expired"},
                              {**licence_record(next_bin(), "L-5"), "issued_on": "20200115"}], 0)]
        with translation.override("en"):
            result = LicenceRegister(transport(fake)).read()
        assert [(e.line, e.column) for e in result.errors] == [(2, None), (3, "bin"), (4, "status"), (5, "issued_on")]
        assert result.errors[-1].message == "“20200115” is not a date in the form YYYY-MM-DD"
        assert len(result.records) == 1

    def test_for_bin_asks_the_service_for_one_entity(self, fake):
        wanted = next_bin()
        fake.script = [(200, [{"bin": wanted, "included_on": "2024-01-01", "reason": "court"}], 0)]
        records = UnreliableSupplierRegister(transport(fake, path="/rnu")).for_bin(wanted)
        assert [(r.bin, r.included_on) for r in records] == [(wanted, dt.date(2024, 1, 1))]
        assert fake.requests[0]["query"] == {"bin": [wanted]}

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
