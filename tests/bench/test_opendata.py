import io

import pytest

from bench.acts import MONTH, TODAY
from bench.acts import run as run_acts
from bench.opendata import _accept_month, measure, publish, urls


@pytest.mark.django_db
class OpenDataBenchTests:
    def test_the_benchmark_publishes_a_small_country_and_times_every_public_answer_against_a_floor(self, settings, tmp_path):
        settings.OPEN_DATA_DIR = tmp_path
        run_acts(io.StringIO(), schools=7, lines=700)
        _accept_month(MONTH)
        out = io.StringIO()
        assert publish(as_of=TODAY, write=lambda text: out.write(text + "\n"))["publication_seconds"] >= 0
        measure(requests=2, write=lambda text: out.write(text + "\n"))
        text = out.getvalue()
        assert "floor: SELECT … LIMIT 50" in text and "target p95 ≤ 100 ms" in text
        lines = [line for line in text.splitlines() if "/api/open/v1/" in line or "/open/" in line]
        assert len(lines) == len(urls()) and all(" 200 " in line for line in lines)
        assert {"/api/open/v1/ocds/records/", "/api/open/v1/files/contingent.csv", "/ru/open/data/"} <= {
            line.split()[-1] for line in lines}
