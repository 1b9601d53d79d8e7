"""Which findings concern an act line, and which of them block its payment.

Both rules live in ``checks.blocking`` (``concerns_sql``, ``BLOCKING_SQL``, ``blocked_sql``,
``LIVE_SQL``): the act page (the findings shown on each line), the review services (an accepted
line must not be blocked) and the recovery detection (a paid line that became blocked) all use
them, so the three can never disagree.
"""

from __future__ import annotations

from checks.blocking import BLOCKING_SQL, LIVE_SQL

# The same rule seen from the findings' side (to scan many lines for few findings): every
# (line, live finding) pair, with whether the finding blocks the line. Must agree with
# ``concerns_sql`` and ``blocked_sql`` (tests/acts/test_rules.py compares them on planted data).
FINDING_LINES_SQL = f"""
SELECT l.id AS line_id, f.id AS finding_id, {BLOCKING_SQL} AS blocking
  FROM checks_finding f JOIN acts_actline l ON l.enrolment_id = f.enrolment_id
 WHERE f.enrolment_id IS NOT NULL AND f.status IN {LIVE_SQL}
UNION ALL
SELECT l.id, f.id, {BLOCKING_SQL}
  FROM checks_finding f
  JOIN acts_act a ON a.school_id = f.school_id
  JOIN acts_actline l ON l.act_id = a.id AND f.level IN ('', l.level)
 WHERE f.enrolment_id IS NULL AND f.status IN {LIVE_SQL}
"""
