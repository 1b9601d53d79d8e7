import json

import pytest
from django.core.management import call_command

from bench.data import Plan, generate


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
class BenchmarkTests:
    def test_a_small_benchmark_finds_exactly_the_planted_anomalies(self, tmp_path, capsys, transactional_db):
        call_command("bench", "--scale", "0.02", "--here", "--data-dir", str(tmp_path))
        out = capsys.readouterr().out
        assert "0 missing, 0 unexpected OK" in out
        for figure in ("contingent bulk load", "floor:", "nobd_import", "run_checks", "(import + checks) / floor", "peak RSS"):
            assert figure in out

    def test_the_data_is_generated_deterministically_with_every_code_planted(self, tmp_path):
        first = generate(Plan(scale=0.01, seed=7), tmp_path / "a")
        second = generate(Plan(scale=0.01, seed=7), tmp_path / "b")
        assert first.nobd_path.read_bytes() == second.nobd_path.read_bytes()
        assert first.contingent_path.read_bytes() == second.contingent_path.read_bytes()
        assert {code for code, *_ in first.expected} == {"P01", "P02", "P03", "P04", "P05", "P06", "P07", "S04", "S05"}
        assert json.loads((tmp_path / "a" / "plan.json").read_text())["nobd_rows"] == first.nobd_rows
