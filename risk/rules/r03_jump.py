"""R03 contingent jump (one flag per school of the portal).

Raised when the contingent active on D exceeds the contingent active on D − 30 days by more than
``RISK_R03_GROWTH`` percent of the latter (a school that grew from 0 qualifies) and by at least
``RISK_R03_MIN`` pupils. "Active on a day" is the rule of the checks (``contingent.rules``); a pupil's
enrolments at one school never overlap, so active enrolments are pupils.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.rules.wording import Explanation, date_text
from contingent.rules import active_on_sql
from risk.choices import RiskCode
from risk.rules import RiskRule, register
from risk.rules.common import not_an_accusation

DAYS_BEFORE = 30


@dataclass(frozen=True)
class Evidence:
    check_date: dt.date
    compared_with: dt.date
    pupils: int
    pupils_before: int
    growth_percent: int
    min_growth: int


BEFORE = f"(%(check_date)s::date - {DAYS_BEFORE})"

SQL = f"""
WITH counted AS (
    SELECT e.school_id,
           count(*) FILTER (WHERE {active_on_sql("e", "%(check_date)s::date")}) AS pupils,
           count(*) FILTER (WHERE {active_on_sql("e", BEFORE)}) AS pupils_before
      FROM contingent_enrolment e
     WHERE {active_on_sql("e", "%(check_date)s::date")} OR {active_on_sql("e", BEFORE)}
     GROUP BY e.school_id
)
SELECT 'school:' || c.school_id AS subject_key, c.school_id, ARRAY[c.school_id]::bigint[] AS school_ids,
       NULL::text AS pupil_iin, NULL::bigint AS payment_id, NULL::date AS month,
       jsonb_build_object('check_date', %(check_date)s::date, 'compared_with', {BEFORE}, 'pupils', c.pupils,
                          'pupils_before', c.pupils_before, 'growth_percent', %(t_r03_growth)s::int,
                          'min_growth', %(t_r03_min)s::int) AS evidence
  FROM counted c
 WHERE c.pupils - c.pupils_before >= %(t_r03_min)s
   AND 100 * (c.pupils - c.pupils_before) > %(t_r03_growth)s * c.pupils_before
"""


def explain(flag, evidence: Evidence | None) -> Explanation:
    advice = _("Check that the new pupils really attend: compare the enrolment documents and NOBD with the classes "
               "the school can hold.")
    if evidence is None:
        return Explanation(_("The school's contingent grew sharply within 30 days."), [], advice, not_an_accusation())
    growth = evidence.pupils - evidence.pupils_before
    if evidence.pupils_before:
        share = _("%(percent)s %% more") % {"percent": round(100 * growth / evidence.pupils_before, 1)}
    else:
        share = _("from none")
    summary = _("On %(date)s %(pupils)s pupils were active, against %(before)s on %(then)s: %(growth)s more (%(share)s). "
                "The flag is raised above %(percent)s %% and from %(min)s pupils.") % {
        "date": date_text(evidence.check_date), "pupils": evidence.pupils, "before": evidence.pupils_before,
        "then": date_text(evidence.compared_with), "growth": growth, "share": share,
        "percent": evidence.growth_percent, "min": evidence.min_growth}
    return Explanation(summary, [], advice, not_an_accusation())


RULE = register(RiskRule(code=RiskCode.R03, version="1", sql=SQL, evidence=Evidence, explain=explain))
