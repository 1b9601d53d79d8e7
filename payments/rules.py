"""Which findings concern an act line, and which of them block its payment — written once, in SQL.

A finding concerns a line when it is about the line's enrolment (pupil codes P01–P07), or about
the line's school as a whole (S02, S03 …: ``level`` empty), or about the school and the line's
level (S01, S04, S05). A concerning finding *blocks* the line when it is an error that is still
open: an explained warning, a waived or a resolved finding does not block. With the CONTRACT
codes this means: a line is not payable when its enrolment has an open error finding, or the
school has an open S02/S03 error, or an open S01/S05 error for the line's level.

The SQL fragments below are used by the act page (the findings shown on each line), the review
services (an accepted line must not be blocked) and the recovery detection (a paid line that
became blocked), so the three can never disagree.
"""

from __future__ import annotations

from checks.choices import LIVE_STATUSES, FindingStatus, Severity

LIVE_SQL = "(" + ", ".join(f"'{status}'" for status in LIVE_STATUSES) + ")"
BLOCKING_SQL = f"(f.severity = '{Severity.ERROR}' AND f.status = '{FindingStatus.OPEN}')"


def concerns_sql(line: str) -> str:
    """Condition: finding ``f`` concerns the act line aliased ``line``."""
    return (
        f"(f.enrolment_id = {line}.enrolment_id"
        f" OR (f.enrolment_id IS NULL AND f.school_id = {line}.school_id AND f.level IN ('', {line}.level)))"
    )


def blocked_sql(line: str = "payments_actline") -> str:
    """A boolean SQL expression: the line ``line`` has a blocking finding now."""
    return f"EXISTS (SELECT 1 FROM checks_finding f WHERE {BLOCKING_SQL} AND {concerns_sql(line)})"


# The same rule seen from the findings' side (to scan many lines for few findings): every
# (line, live finding) pair, with whether the finding blocks the line. Must agree with
# ``concerns_sql`` (a test compares the two).
FINDING_LINES_SQL = f"""
SELECT l.id AS line_id, f.id AS finding_id, {BLOCKING_SQL} AS blocking
  FROM checks_finding f JOIN payments_actline l ON l.enrolment_id = f.enrolment_id
 WHERE f.enrolment_id IS NOT NULL AND f.status IN {LIVE_SQL}
UNION ALL
SELECT l.id, f.id, {BLOCKING_SQL}
  FROM checks_finding f
  JOIN payments_act a ON a.school_id = f.school_id
  JOIN payments_actline l ON l.act_id = a.id AND f.level IN ('', l.level)
 WHERE f.enrolment_id IS NULL AND f.status IN {LIVE_SQL}
"""
