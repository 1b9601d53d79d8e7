"""R02 month-end churn (one flag per school of the portal and month M).

Raised when at least ``RISK_R02_MIN`` of the school's contingent enrolments start on one of the last
3 days of a month M and have ``left_on`` in the first 5 days of month M+1. Every month M whose last
day lies in [Y, D] is examined. The evidence lists those enrolments.

The month arithmetic comes from ``core.calendar`` (``month_end_sql``, ``day_of_next_month_sql``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.rules.wording import Explanation, date_text
from core.calendar import day_of_next_month_sql, month_end_sql
from risk.choices import RiskCode
from risk.rules import RiskRule, register
from risk.rules.common import not_an_accusation

LAST_DAYS = 3  # the last 3 days of month M
FIRST_DAYS = 5  # the first 5 days of month M+1


@dataclass(frozen=True)
class Churned:
    enrolment_id: int
    iin: str
    pupil: str
    grade: int
    enrolled_on: dt.date
    left_on: dt.date


@dataclass(frozen=True)
class Evidence:
    month: dt.date
    check_date: dt.date
    year_start: dt.date
    min_enrolments: int
    enrolments: list[Churned]


MONTH_END = month_end_sql("e.enrolled_on")

SQL = f"""
WITH churn AS (
    SELECT e.school_id, date_trunc('month', e.enrolled_on)::date AS month, e.id, e.grade, e.enrolled_on, e.left_on,
           p.iin, concat_ws(' ', p.last_name, p.first_name, nullif(p.middle_name, '')) AS pupil
      FROM contingent_enrolment e
      JOIN contingent_pupil p ON p.id = e.pupil_id
     WHERE e.enrolled_on >= {MONTH_END} - {LAST_DAYS - 1}
       AND e.left_on BETWEEN {day_of_next_month_sql("e.enrolled_on", 1)} AND {day_of_next_month_sql("e.enrolled_on", FIRST_DAYS)}
       AND {MONTH_END} BETWEEN %(school_year_start)s::date AND %(check_date)s::date
)
SELECT 'school:' || c.school_id || ':' || to_char(c.month, 'YYYY-MM') AS subject_key, c.school_id,
       ARRAY[c.school_id]::bigint[] AS school_ids, NULL::text AS pupil_iin, NULL::bigint AS payment_id, c.month,
       jsonb_build_object(
           'month', c.month, 'check_date', %(check_date)s::date, 'year_start', %(school_year_start)s::date,
           'min_enrolments', %(t_r02_min)s::int,
           'enrolments', jsonb_agg(jsonb_build_object('enrolment_id', c.id, 'iin', c.iin, 'pupil', c.pupil,
                                                      'grade', c.grade, 'enrolled_on', c.enrolled_on, 'left_on', c.left_on)
                                   ORDER BY c.enrolled_on, c.left_on, c.id)) AS evidence
  FROM churn c
 GROUP BY c.school_id, c.month
HAVING count(*) >= %(t_r02_min)s
"""


def _month_text(month: dt.date) -> str:
    from django.utils import formats

    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def explain(flag, evidence: Evidence | None) -> Explanation:
    advice = _("Compare the attendance records of these pupils with the act of the month: enrolments that cover "
               "only the end of a month can be made to be paid for it.")
    if evidence is None:
        return Explanation(_("Several pupils were enrolled at the end of a month and left at the start of the next."),
                           [], advice, not_an_accusation())
    summary = _("%(count)s pupils were enrolled in the last %(last)s days of %(month)s and left in the first %(first)s "
                "days of the next month (the flag is raised from %(min)s).") % {
        "count": len(evidence.enrolments), "last": LAST_DAYS, "month": _month_text(evidence.month), "first": FIRST_DAYS,
        "min": evidence.min_enrolments}
    facts = [_("%(pupil)s (IIN %(iin)s), grade %(grade)s: enrolled on %(enrolled)s, left on %(left)s.") % {
        "pupil": item.pupil, "iin": item.iin, "grade": item.grade, "enrolled": date_text(item.enrolled_on),
        "left": date_text(item.left_on)} for item in evidence.enrolments]
    return Explanation(summary, facts, advice, not_an_accusation())


RULE = register(RiskRule(code=RiskCode.R02, version="1", sql=SQL, evidence=Evidence, explain=explain))
