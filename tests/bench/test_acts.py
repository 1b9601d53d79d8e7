import io

import pytest

from acts.models import Act, ActLine
from bench.acts import run


@pytest.mark.django_db
class BenchTests:
    def test_the_benchmark_generates_builds_and_checks_a_small_country(self):
        out = io.StringIO()
        figures = run(out, schools=7, lines=700)
        assert figures["ok"], out.getvalue()
        assert (figures["acts"], figures["lines"], figures["expected_lines"]) == (7, 700, 700)
        assert ActLine.objects.count() == 700
        assert "PASS" in out.getvalue()
        # A second run reuses the data and rebuilds the month.
        again = run(io.StringIO(), schools=7, lines=700)
        assert again["ok"] and Act.objects.count() == 7 and ActLine.objects.count() == 700
