"""R01 transfer velocity (one flag per pupil, by IIN).

Raised when the snapshot of D has at least ``RISK_R01_MIN_ENROLMENTS`` NOBD rows for the IIN (rows,
not distinct schools) with ``enrolled_on`` in [Y, D], Y being 1 September of the school year of D,
and at least one of those rows is at a school of the portal. The evidence lists those rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.rules.wording import Explanation, date_text
from contingent.history import snapshot_rows_sql
from risk.choices import RiskCode
from risk.rules import RiskRule, register
from risk.rules.common import D_TEXT, YEAR_START_TEXT, NobdRow, nobd_row_json, not_an_accusation


@dataclass(frozen=True)
class Evidence:
    iin: str
    snapshot_id: int
    check_date: dt.date
    year_start: dt.date
    min_rows: int
    rows: list[NobdRow]


IN_YEAR = f'(n.enrolled_on COLLATE "C" >= {YEAR_START_TEXT} AND n.enrolled_on COLLATE "C" <= {D_TEXT})'
ROWS = snapshot_rows_sql("%(snapshot_id)s", alias="h")

SQL = f"""
WITH candidates AS (  -- pupils with a row at a school of the portal this school year
    SELECT DISTINCT n.iin FROM {ROWS} n JOIN schools_school s ON s.bin = n.school_bin WHERE {IN_YEAR}
), flagged AS (
    SELECT n.iin FROM {ROWS} n
     WHERE {IN_YEAR} AND n.iin IN (SELECT iin FROM candidates)
     GROUP BY n.iin HAVING count(*) >= %(t_r01_min_enrolments)s
)
SELECT 'iin:' || n.iin AS subject_key,
       (array_agg(s.id ORDER BY n.enrolled_on DESC, n.school_bin DESC, n.grade, n.left_on)
          FILTER (WHERE s.id IS NOT NULL))[1] AS school_id,
       array_agg(DISTINCT s.id) FILTER (WHERE s.id IS NOT NULL) AS school_ids,
       n.iin AS pupil_iin, NULL::bigint AS payment_id, NULL::date AS month,
       jsonb_build_object(
           'iin', n.iin, 'snapshot_id', %(snapshot_id)s::bigint, 'check_date', %(check_date)s::date,
           'year_start', %(school_year_start)s::date, 'min_rows', %(t_r01_min_enrolments)s::int,
           'rows', jsonb_agg({nobd_row_json("n", "s")}
                             ORDER BY n.enrolled_on, n.school_bin, n.grade, n.left_on, n.last_name, n.first_name,
                                      n.middle_name, n.birth_date)) AS evidence
  FROM {ROWS} n
  LEFT JOIN schools_school s ON s.bin = n.school_bin
 WHERE {IN_YEAR} AND n.iin IN (SELECT iin FROM flagged)
 GROUP BY n.iin
"""


def explain(flag, evidence: Evidence | None) -> Explanation:
    advice = _("Ask the schools concerned for the pupil's transfer documents, and NOBD for the history of the "
               "records; several transfers in a few months can mean a pupil is moved between schools on paper.")
    if evidence is None:
        return Explanation(_("The pupil with IIN %(iin)s has many NOBD enrolments this school year.") % {
            "iin": flag.pupil_iin}, [], advice, not_an_accusation())
    summary = _("In the NOBD snapshot of %(date)s the pupil with IIN %(iin)s has %(count)s enrolments that began "
                "between %(start)s and %(date)s (the flag is raised from %(min)s).") % {
        "date": date_text(evidence.check_date), "iin": evidence.iin, "count": len(evidence.rows),
        "start": date_text(evidence.year_start), "min": evidence.min_rows}
    return Explanation(summary, [row.text() for row in evidence.rows], advice, not_an_accusation())


RULE = register(RiskRule(code=RiskCode.R01, version="1", sql=SQL, evidence=Evidence, explain=explain))
