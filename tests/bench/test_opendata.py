import io

import pytest

from bench.acts import MONTH, TODAY
from bench.acts import run as run_acts
from bench.opendata import run


@pytest.mark.django_db
class OpenDataBenchTests:
    def test_the_benchmark_publishes_a_small_country_and_times_every_public_answer(self, settings, tmp_path):
        settings.OPEN_DATA_DIR = tmp_path
        run_acts(io.StringIO(), schools=7, lines=700)
        out = io.StringIO()
        figures = run(out, month=MONTH, as_of=TODAY)
        text = out.getvalue()
        assert "p95" in text and "/api/open/v1/ocds/releases/" in text and "target p95" in text
        assert figures["publication_seconds"] >= 0 and figures["worst_p95_ms"] > 0
