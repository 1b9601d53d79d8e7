"""Risk scores: flags weighted, compared within peers (same region and size band), ranked only among enough peers."""

from decimal import Decimal

import pytest

from risk.engine import risk_run_now
from risk.models import RiskScore
from tests.contingent.factories import load_snapshot
from tests.factories import make_school
from tests.risk.factories import D, Y, enrol_many


def jump(school, pupils: int = 25):
    """An R03 flag: the school grows from none to ``pupils`` within the last 30 days."""
    enrol_many(school=school, count=pupils, enrolled_on=D.replace(day=10))


@pytest.mark.django_db
class RiskScoreTests:
    def test_a_flagged_school_is_an_outlier_among_enough_peers_and_not_ranked_among_too_few(self, tmp_path, region_astana,
                                                                                         region_almaty, settings):
        settings.RISK_MIN_PEERS = 10
        astana = [make_school(region=region_astana, name=f"A{number}") for number in range(10)]
        almaty = [make_school(region=region_almaty, name=f"B{number}") for number in range(3)]
        big = make_school(region=region_astana, name="Big")
        enrol_many(school=big, count=150, enrolled_on=Y)  # 150 pupils: the next size band, alone there
        jump(big, 50)
        jump(astana[0])
        jump(almaty[0])
        run = risk_run_now(snapshot=load_snapshot(tmp_path, [], taken_on=D))
        scores = {score.school_id: score for score in RiskScore.objects.filter(run=run)}
        first = scores[astana[0].pk]
        assert (first.score, first.flags, first.peers, first.size_band) == (Decimal("3.00"), {"R03": 1}, 10, 0)
        assert first.ranked and first.outlier and first.percentile == Decimal("1.0000")
        assert first.peer_quantile == Decimal("0.30")  # the 0.9 quantile of nine zeros and one 3
        calm = scores[astana[1].pk]
        assert (calm.score, calm.ranked, calm.outlier, calm.percentile) == (Decimal("0.00"), True, False, Decimal("0.9000"))
        assert (scores[almaty[0].pk].ranked, scores[almaty[0].pk].outlier, scores[almaty[0].pk].peers) == (False, False, 3)
        assert (scores[big.pk].size_band, scores[big.pk].peers, scores[big.pk].ranked) == (1, 1, False)
        assert scores[big.pk].pupils == 200

    def test_weights_and_bands_come_from_the_settings_and_the_run_keeps_them(self, tmp_path, region_astana, settings):
        settings.RISK_WEIGHTS = {"R03": "4.5"}
        settings.RISK_SIZE_BANDS = [10]
        settings.RISK_MIN_PEERS = 2
        schools = [make_school(region=region_astana, name=f"S{number}") for number in range(3)]
        jump(schools[0])
        run = risk_run_now(snapshot=load_snapshot(tmp_path, [], taken_on=D))
        score = RiskScore.objects.get(run=run, school=schools[0])
        assert (score.score, score.size_band, score.peers) == (Decimal("4.50"), 1, 1)  # 25 pupils: above the only limit
        assert run.score_settings["weights"]["R03"] == "4.5" and run.score_settings["weights"]["R01"] == "1"
        assert run.score_settings["size_bands"] == [10] and run.score_settings["min_peers"] == 2

    def test_every_school_of_the_portal_gets_a_score_once_per_run(self, tmp_path, region_astana):
        schools = [make_school(region=region_astana, name=f"S{number}") for number in range(4)]
        snapshot = load_snapshot(tmp_path, [], taken_on=D)
        first, second = risk_run_now(snapshot=snapshot), risk_run_now(snapshot=snapshot)
        for run in (first, second):
            assert set(RiskScore.objects.filter(run=run).values_list("school_id", flat=True)) >= {s.pk for s in schools}
