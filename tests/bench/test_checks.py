import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection

from bench.checks import reset_database
from bench.data import Plan, generate


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
class BenchmarkTests:
    def test_a_small_benchmark_finds_exactly_the_planted_anomalies(self, tmp_path, capsys, transactional_db):
        call_command("bench", "--scale", "0.02", "--here", "--data-dir", str(tmp_path), "--days", "3")
        out = capsys.readouterr().out
        assert "findings exactly the planted anomalies" in out and "risk flags exactly the planted ones" in out
        assert out.count("0 missing, 0 unexpected OK") == 2
        for figure in ("contingent bulk load", "floor:", "nobd_import", "run_checks", "(import + checks) / floor", "peak RSS",
                       "storage of the NOBD history", "run_risk / floor"):
            assert figure in out

    def test_the_data_is_generated_deterministically_with_every_code_planted(self, tmp_path):
        first = generate(Plan(scale=0.01, seed=7), tmp_path / "a")
        second = generate(Plan(scale=0.01, seed=7), tmp_path / "b")
        assert first.nobd_path.read_bytes() == second.nobd_path.read_bytes()
        assert first.contingent_path.read_bytes() == second.contingent_path.read_bytes()
        assert {code for code, *_ in first.expected} == {"P01", "P02", "P03", "P04", "P05", "P06", "P07", "S04", "S05"}
        assert {code for code, _key in first.risk_expected} == {"R01", "R02", "R03", "R05"}
        assert json.loads((tmp_path / "a" / "plan.json").read_text())["nobd_rows"] == first.nobd_rows


@pytest.mark.django_db
class ResetDatabaseTests:
    def test_it_empties_the_licences_a_stopped_run_left_so_the_next_run_can_start(self, school_a):
        from schools.models import Licence, School

        Licence.objects.create(bin=school_a.bin, number=f"BENCH-{school_a.bin}", issued_on=dt.date(2018, 1, 10),
                               levels=["primary"], status="active")
        with connection.cursor() as cursor:  # the test's transaction: check the deferred keys now, as a commit would
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        reset_database()
        assert not Licence.objects.exists() and not School.objects.exists()
