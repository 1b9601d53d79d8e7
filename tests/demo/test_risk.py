"""The demo plants a case of every risk code, so the risk pages show flags; run twice, nothing is duplicated."""

import io

import pytest
from django.core.management import call_command

from contingent.models import NobdSnapshot
from demo.risk import PLANTED
from risk.choices import RiskFlagStatus
from risk.models import RiskFlag, RiskRun

pytestmark = pytest.mark.django_db


class RiskDemoTests:
    def test_seed_demo_raises_at_least_one_flag_of_each_planted_code_once(self, settings, tmp_path):
        settings.NOBD_FILE_PATH = str(tmp_path / "nobd.csv")
        output = io.StringIO()
        call_command("seed_demo", stdout=output)
        assert set(PLANTED) == {"R01", "R02", "R03", "R04", "R05"}
        run = RiskRun.objects.order_by("-id").first()
        open_flags = RiskFlag.objects.filter(status=RiskFlagStatus.OPEN)
        counts = {code: open_flags.filter(code=code).count() for code in PLANTED}
        assert all(counts[code] >= 1 for code in PLANTED), counts
        assert all(run.counts[code] >= 1 for code in PLANTED), run.counts
        assert "Demo risk flags" in output.getvalue()
        # the previous snapshot (R05 compares with it) and today's; a second seed loads neither again
        assert NobdSnapshot.objects.count() == 2 and run.previous_snapshot_id is not None
        call_command("seed_demo", stdout=io.StringIO())
        assert NobdSnapshot.objects.count() == 2
        assert {code: RiskFlag.objects.filter(status=RiskFlagStatus.OPEN, code=code).count() for code in PLANTED} == counts
