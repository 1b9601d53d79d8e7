"""The thresholds of the risk rules and the settings of the score, as the settings give them now.

A run records both (``RiskRun.thresholds``, ``RiskRun.score_settings``); the rules and the score
read the run's values, so a run replays with what it used even after the settings change.
"""

from __future__ import annotations

from django.conf import settings

# The name of each threshold in a run's parameters (``t_<name>``) and the setting it comes from.
THRESHOLD_SETTINGS = {
    "r01_min_enrolments": "RISK_R01_MIN_ENROLMENTS",
    "r02_min": "RISK_R02_MIN",
    "r03_growth": "RISK_R03_GROWTH",
    "r03_min": "RISK_R03_MIN",
    "r04_days": "RISK_R04_DAYS",
}


def current_thresholds() -> dict[str, int]:
    return {name: int(getattr(settings, setting)) for name, setting in THRESHOLD_SETTINGS.items()}


def current_score_settings() -> dict:
    """The weight of every risk code (a code the setting leaves out weighs 1, as decimal text), the size
    bands, the minimum number of peers and the outlier quantile."""
    from risk.choices import RiskCode

    given = dict(settings.RISK_WEIGHTS)
    return {
        "weights": {code: str(given.get(code, "1")) for code in RiskCode.values},
        "size_bands": [int(limit) for limit in settings.RISK_SIZE_BANDS],
        "min_peers": int(settings.RISK_MIN_PEERS),
        "outlier_quantile": float(settings.RISK_OUTLIER_QUANTILE),
    }
