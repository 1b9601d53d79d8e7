import pytest
from django.core.management import call_command

from contingent.models import ContingentImport, Enrolment


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
class ContingentApiBenchmarkTests:
    def test_a_small_file_goes_through_a_real_web_server_and_worker_and_the_figures_are_printed(self, tmp_path, capsys):
        call_command("bench_contingent_api", "--rows", "300", "--here", "--data-dir", str(tmp_path), "--inline-max-kb", "0")
        out = capsys.readouterr().out
        assert "contingent upload through the API (300 rows" in out and "OK" in out
        assert "upload answered in" in out and "(202)" in out
        assert Enrolment.objects.count() == 300 and ContingentImport.objects.get().status == "applied"
