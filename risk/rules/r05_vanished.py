"""R05 vanished NOBD record (one flag per enrolment: IIN, school and ``enrolled_on``).

Raised when an NOBD row at a school of the portal that is active on D′ in the previous snapshot (the
latest ready one dated D′ < D) has no row with the same IIN, school and ``enrolled_on`` in the
snapshot of D. The candidates are the rows of the previous snapshot that the snapshot of D no longer
has exactly (``contingent.history.gone_rows_sql``: a change of the history, not a comparison of two
full snapshots). The evidence gives the vanished row(s) and where NOBD has the pupil on D, if anywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.rules.wording import Explanation, SchoolRef, date_text
from contingent.history import gone_rows_sql, snapshot_rows_sql
from contingent.rules import nobd_active_on_sql
from risk.choices import RiskCode
from risk.rules import RiskRule, register
from risk.rules.common import PREVIOUS_TEXT, NobdRow, nobd_row_json, not_an_accusation


@dataclass(frozen=True)
class Evidence:
    iin: str
    school: SchoolRef
    enrolled_on: dt.date
    snapshot_id: int
    check_date: dt.date
    previous_snapshot_id: int
    previous_date: dt.date
    vanished: list[NobdRow]
    now: list[NobdRow]


SQL = f"""
WITH gone AS (
    SELECT g.*, s.id AS school_id, s.name_kk, s.name_ru
      FROM {gone_rows_sql("%(previous_snapshot_id)s", "%(snapshot_id)s", alias="h")} g
      JOIN schools_school s ON s.bin = g.school_bin
     WHERE {nobd_active_on_sql("g", PREVIOUS_TEXT)}
), now AS (  -- the rows of D of those pupils
    SELECT n.* FROM {snapshot_rows_sql("%(snapshot_id)s", alias="h")} n WHERE n.iin IN (SELECT iin FROM gone)
), vanished AS (
    SELECT g.* FROM gone g
     WHERE NOT EXISTS (SELECT 1 FROM now n
                        WHERE n.iin = g.iin AND n.school_bin = g.school_bin AND n.enrolled_on = g.enrolled_on)
)
SELECT 'nobd:' || v.iin || ':' || v.school_bin || ':' || v.enrolled_on AS subject_key, v.school_id,
       ARRAY[v.school_id]::bigint[] AS school_ids, v.iin AS pupil_iin, NULL::bigint AS payment_id, NULL::date AS month,
       jsonb_build_object(
           'iin', v.iin, 'school', jsonb_build_object('bin', v.school_bin, 'name_kk', v.name_kk, 'name_ru', v.name_ru),
           'enrolled_on', v.enrolled_on, 'snapshot_id', %(snapshot_id)s::bigint, 'check_date', %(check_date)s::date,
           'previous_snapshot_id', %(previous_snapshot_id)s::bigint, 'previous_date', %(previous_date)s::date,
           'vanished', jsonb_agg({nobd_row_json("v", "v")} ORDER BY v.grade, v.left_on, v.last_name, v.first_name,
                                 v.middle_name, v.birth_date),
           'now', coalesce((SELECT jsonb_agg({nobd_row_json("n", "ns")}
                                             ORDER BY n.enrolled_on, n.school_bin, n.grade, n.left_on, n.last_name,
                                                      n.first_name, n.middle_name, n.birth_date)
                              FROM now n LEFT JOIN schools_school ns ON ns.bin = n.school_bin
                             WHERE n.iin = v.iin), '[]'::jsonb)) AS evidence
  FROM vanished v
 GROUP BY v.iin, v.school_bin, v.enrolled_on, v.school_id, v.name_kk, v.name_ru
"""


def explain(flag, evidence: Evidence | None) -> Explanation:
    advice = _("Ask the school and NOBD why the record was removed; if the pupil left, the contingent and the acts "
               "must say so from the day the pupil left.")
    if evidence is None:
        return Explanation(_("An NOBD record of a pupil at this school vanished since the previous snapshot."), [], advice,
                           not_an_accusation())
    summary = _("The NOBD record of the pupil with IIN %(iin)s at %(school)s (enrolled on %(enrolled)s), active on "
                "%(before)s, is gone from the snapshot of %(date)s.") % {
        "iin": evidence.iin, "school": evidence.school.label(), "enrolled": date_text(evidence.enrolled_on),
        "before": date_text(evidence.previous_date), "date": date_text(evidence.check_date)}
    facts = [_("Snapshot of %(date)s: %(row)s.") % {"date": date_text(evidence.previous_date), "row": row.text()}
             for row in evidence.vanished]
    if evidence.now:
        facts += [_("Snapshot of %(date)s: %(row)s.") % {"date": date_text(evidence.check_date), "row": row.text()}
                  for row in evidence.now]
    else:
        facts.append(_("The snapshot of %(date)s has no row at all for this IIN.") % {"date": date_text(evidence.check_date)})
    return Explanation(summary, facts, advice, not_an_accusation())


RULE = register(RiskRule(code=RiskCode.R05, version="1", sql=SQL, evidence=Evidence, explain=explain, needs_previous=True))
