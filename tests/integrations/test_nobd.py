"""The NOBD client: the file transport, the HTTP transport against the fake NOBD server, and the fake server."""

import datetime as dt
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.utils import translation

from integrations.nobd import NOBD_COLUMNS, NobdUnavailable, get_transport
from integrations.nobd.fake_server import make_server
from integrations.nobd.file import FileTransport
from integrations.nobd.http import HttpTransport
from tests.contingent.factories import birth_for_grade, iin_for, state_bin

TAKEN_ON = dt.date(2025, 11, 20)


def snapshot_file(path: Path, rows: int) -> Path:
    lines = [",".join(NOBD_COLUMNS)]
    for number in range(rows):
        birth = birth_for_grade(number % 12)
        left = "2025-10-01" if number % 5 == 0 else ""
        lines.append(f"{iin_for(birth)},Ахметов,Алихан,{'Серікұлы' if number % 2 else ''},{birth},{state_bin()},{number % 12},"
                     f"2025-09-01,{left}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextmanager
def fake_nobd(path: Path, **options):
    server = make_server(path=path, taken_on=TAKEN_ON, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


class FileTransportTests:
    def test_the_file_is_the_snapshot_taken_today(self, tmp_path):
        path = snapshot_file(tmp_path / "drop.csv", 3)
        fetched = FileTransport(path=path).fetch()
        assert fetched.path == path and fetched.taken_on == dt.date.today() and fetched.source.startswith("file:")

    def test_a_missing_file_is_reported(self, tmp_path):
        with pytest.raises(NobdUnavailable):
            FileTransport(path=tmp_path / "none.csv").fetch()

    def test_the_settings_choose_the_transport(self, settings, tmp_path):
        settings.NOBD_TRANSPORT = "http"
        settings.NOBD_URL = "http://127.0.0.1:9/nobd"
        settings.NOBD_DOWNLOAD_DIR = tmp_path
        assert isinstance(get_transport(), HttpTransport)
        settings.NOBD_TRANSPORT = "file"
        assert isinstance(get_transport(), FileTransport)


class HttpTransportTests:
    def test_pages_are_fetched_with_the_token_and_joined_into_the_same_csv(self, tmp_path):
        source = snapshot_file(tmp_path / "source.csv", 23)
        with fake_nobd(source, token="s3cret") as (server, url):
            progress = []
            transport = HttpTransport(base_url=url, token="s3cret", page_size=5, download_dir=tmp_path / "dl", sleep=Sleeps())
            fetched = transport.fetch(progress=progress.append)
        assert fetched.path.read_bytes() == source.read_bytes()
        assert fetched.taken_on == TAKEN_ON and fetched.source == f"{url}/snapshots/2025-11-20"
        assert [p["page"] for p in progress] == [1, 2, 3, 4, 5] and progress[-1]["rows"] == 23
        transport.clean_up(fetched)
        assert not any((tmp_path / "dl").iterdir())

    def test_a_wrong_token_fails_at_once(self, tmp_path):
        source = snapshot_file(tmp_path / "source.csv", 3)
        sleeps = Sleeps()
        with fake_nobd(source, token="right") as (server, url):
            with pytest.raises(NobdUnavailable) as error:
                HttpTransport(base_url=url, token="wrong", download_dir=tmp_path / "dl", sleep=sleeps).fetch()
        assert "401" in str(error.value) and sleeps == [] and server.counter["requests"] == 1

    def test_unavailable_answers_are_retried_with_back_off(self, tmp_path):
        source = snapshot_file(tmp_path / "source.csv", 12)
        sleeps = Sleeps()
        with fake_nobd(source, fail_every=2) as (server, url):
            fetched = HttpTransport(base_url=url, token="", page_size=4, backoff=0.5, download_dir=tmp_path / "dl",
                                    sleep=sleeps).fetch()
        assert fetched.path.read_bytes() == source.read_bytes()
        assert sleeps and all(s == 0 for s in sleeps)  # the server's Retry-After: 0 wins over the back-off

    def test_the_back_off_doubles_and_then_gives_up(self, tmp_path):
        sleeps = Sleeps()
        transport = HttpTransport(base_url="http://127.0.0.1:9", token="", retries=3, backoff=0.5, timeout=0.5,
                                  download_dir=tmp_path / "dl", sleep=sleeps)
        with translation.override("en"), pytest.raises(NobdUnavailable) as error:
            transport.fetch()
        assert sleeps == [0.5, 1.0, 2.0] and "4 attempt(s)" in str(error.value)

    def test_a_page_slower_than_the_timeout_is_retried_then_reported(self, tmp_path):
        source = snapshot_file(tmp_path / "source.csv", 4)
        sleeps = Sleeps()
        with fake_nobd(source, delay=1.0) as (server, url):
            transport = HttpTransport(base_url=url, token="", retries=1, timeout=0.2, page_size=2,
                                      download_dir=tmp_path / "dl", sleep=sleeps)
            with pytest.raises(NobdUnavailable):
                transport.fetch()
        assert len(sleeps) == 1

    def test_an_interrupted_fetch_resumes_from_the_first_missing_page(self, tmp_path):
        source = snapshot_file(tmp_path / "source.csv", 20)
        with fake_nobd(source) as (server, url):
            transport = HttpTransport(base_url=url, token="", page_size=5, retries=0, download_dir=tmp_path / "dl", sleep=Sleeps())
            original = transport._get
            calls, failed = [], []

            def flaky(path, **query):
                calls.append(query.get("page"))
                if query.get("page") == 3 and not failed:
                    failed.append(3)
                    raise NobdUnavailable("network down")
                return original(path, **query)

            transport._get = flaky
            with pytest.raises(NobdUnavailable):
                transport.fetch()
            pages = sorted(p.name for p in (tmp_path / "dl").glob("*/page-*.csv"))
            assert pages == ["page-000001.csv", "page-000002.csv"]
            calls.clear()
            fetched = transport.fetch()
        assert calls == [None, 3, 4]  # the description, then only the missing pages
        assert fetched.path.read_bytes() == source.read_bytes()

    def test_a_snapshot_that_changes_while_fetched_is_refused(self, tmp_path):
        source = snapshot_file(tmp_path / "source.csv", 6)
        with fake_nobd(source) as (server, url):
            transport = HttpTransport(base_url=url, token="", page_size=3, download_dir=tmp_path / "dl", sleep=Sleeps())
            original = transport._get

            def changed(path, **query):
                answer = original(path, **query)
                if query.get("page") == 2:
                    answer["taken_on"] = "2025-11-21"
                return answer

            transport._get = changed
            with pytest.raises(NobdUnavailable):
                transport.fetch()

    def test_only_http_addresses_are_accepted(self, tmp_path):
        with pytest.raises(NobdUnavailable):
            HttpTransport(base_url="file:///etc/passwd", token="", download_dir=tmp_path)


class FakeServerTests:
    def test_it_listens_on_loopback_only(self, tmp_path):
        with pytest.raises(ValueError):
            make_server(path=snapshot_file(tmp_path / "s.csv", 1), taken_on=TAKEN_ON, host="0.0.0.0")

    def test_the_command_refuses_a_file_that_is_not_a_snapshot(self, tmp_path):
        from django.core.management import call_command
        from django.core.management.base import CommandError

        path = tmp_path / "other.csv"
        path.write_text("a,b\n1,2\n", encoding="utf-8")
        with pytest.raises(CommandError):
            call_command("nobd_fake_server", str(path), "--port", "0")

    def test_the_command_refuses_a_date_not_written_yyyy_mm_dd(self, tmp_path):
        from django.core.management import call_command
        from django.core.management.base import CommandError

        with translation.override("en"), pytest.raises(CommandError, match="“20251120” is not a date in the form YYYY-MM-DD"):
            call_command("nobd_fake_server", str(snapshot_file(tmp_path / "s.csv", 1)), "--port", "0", "--date", "20251120")
