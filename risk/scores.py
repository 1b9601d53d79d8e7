"""The risk score of every school of the portal in a run, and its rank among its peers (set-based).

* score = Σ over the open flags the run raised that concern the school of the weight of their code
  (from ``RISK_WEIGHTS``; the run keeps the score settings it used in ``RiskRun.score_settings``);
* peers = the schools of the same region and size band: pupils active on D (the rule of the checks,
  ``contingent.rules``) cut by ``RISK_SIZE_BANDS`` (limits 100, 300, 1000 give the bands 0–99,
  100–299, 300–999 and 1000 or more);
* percentile = the share of peers scoring at most as much (``cume_dist``); the peers' quantile =
  their score at ``RISK_OUTLIER_QUANTILE`` (``percentile_cont``);
* a school is *ranked* only when its peer group has at least ``RISK_MIN_PEERS`` schools (itself
  included), and an *outlier* when ranked and its score is above the peers' quantile.
"""

from __future__ import annotations

import json

from contingent.rules import active_on_sql
from risk.choices import RiskFlagStatus

SQL = f"""
INSERT INTO risk_riskscore (run_id, school_id, region_id, pupils, size_band, flags, score, peers, percentile,
                            peer_quantile, ranked, outlier)
WITH pupils AS (
    SELECT e.school_id, count(*) AS pupils FROM contingent_enrolment e
     WHERE {active_on_sql("e", "%(check_date)s::date")} GROUP BY e.school_id
), flagged AS (
    SELECT fs.school_id, f.code, count(*) AS flags
      FROM risk_riskflag f JOIN risk_riskflagschool fs ON fs.flag_id = f.id
     WHERE f.last_run_id = %(run_id)s AND f.status = %(open)s
     GROUP BY fs.school_id, f.code
), weighted AS (
    SELECT g.school_id, jsonb_object_agg(g.code, g.flags ORDER BY g.code) AS flags,
           sum(g.flags * coalesce((%(weights)s::jsonb ->> g.code)::numeric, 1)) AS score
      FROM flagged g GROUP BY g.school_id
), scored AS (
    SELECT s.id AS school_id, s.region_id, coalesce(p.pupils, 0) AS pupils,
           width_bucket(coalesce(p.pupils, 0), %(bands)s::int[]) AS size_band,
           coalesce(w.flags, '{{}}'::jsonb) AS flags, round(coalesce(w.score, 0), 2) AS score
      FROM schools_school s
      LEFT JOIN pupils p ON p.school_id = s.id
      LEFT JOIN weighted w ON w.school_id = s.id
), groups AS (
    SELECT region_id, size_band, count(*) AS peers,
           round(percentile_cont(%(quantile)s) WITHIN GROUP (ORDER BY score)::numeric, 2) AS peer_quantile
      FROM scored GROUP BY region_id, size_band
)
SELECT %(run_id)s, c.school_id, c.region_id, c.pupils, c.size_band, c.flags, c.score, g.peers,
       round(cume_dist() OVER (PARTITION BY c.region_id, c.size_band ORDER BY c.score)::numeric, 4),
       g.peer_quantile, g.peers >= %(min_peers)s, g.peers >= %(min_peers)s AND c.score > g.peer_quantile
  FROM scored c JOIN groups g ON g.region_id = c.region_id AND g.size_band = c.size_band
"""


def scores_compute(cursor, *, run) -> int:
    """Write the scores of ``run`` (in the caller's transaction); return how many schools were scored."""
    cursor.execute("DELETE FROM risk_riskscore WHERE run_id = %s", [run.pk])
    used = run.score_settings
    cursor.execute(SQL, {
        "run_id": run.pk, "open": RiskFlagStatus.OPEN, "check_date": run.check_date, "weights": json.dumps(used["weights"]),
        # width_bucket needs at least one limit: without bands every school is in band 0
        "bands": list(used["size_bands"]) or [2**31 - 1], "quantile": used["outlier_quantile"],
        "min_peers": used["min_peers"],
    })
    return cursor.rowcount
