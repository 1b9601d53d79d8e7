"""S05 (error): pupils of a level active on D above the places contracted for that level.

The places are those of the school's *active* state-order (``school_per_capita``) contracts on D (status ``active`` and
``period_start ≤ D ≤ period_end``), summed over those contracts, read through the SQL view
``orders_contracted_places`` that the orders app publishes (``orders.published``), never the
orders tables. The rule applies only to schools with at least one such contract — a school
without a contract on D is funded for nobody and has nothing to exceed — and there a level
without contracted places counts as 0 places. Pupils are counted once per school and level.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.prepared import ACTIVE
from checks.rules.wording import Explanation, date_text, level_text


@dataclass(frozen=True)
class Details:
    level: str
    pupils: int  # of the level, active on D
    places: int  # contracted for the level, over the contracts active on D
    contracts: list[str]  # their numbers


SQL = """
WITH in_force AS (
    SELECT * FROM orders_contracted_places p
     WHERE p.instrument = 'school_per_capita' AND p.period_start <= %(check_date)s AND p.period_end >= %(check_date)s
),
contracts AS (
    SELECT DISTINCT contract_id AS id, school_id, contract_number AS number FROM in_force
),
places AS (
    SELECT school_id, level, sum(places) AS places FROM in_force WHERE level IS NOT NULL GROUP BY school_id, level
),
enrolments AS (
    SELECT * FROM (SELECT school_id, level, count(*) AS enrolments FROM checks_run_active GROUP BY school_id, level) e
     WHERE e.school_id IN (SELECT school_id FROM contracts)
),
-- Counting enrolments is cheap (no sort); a level whose active enrolments do not exceed its places cannot have
-- more distinct pupils than that, so only the levels above them have their pupils counted one by one.
above AS (
    SELECT e.school_id, e.level FROM enrolments e
      LEFT JOIN places pl ON pl.school_id = e.school_id AND pl.level = e.level
     WHERE e.enrolments > coalesce(pl.places, 0)
),
pupils AS (
    SELECT a.school_id, a.level, count(DISTINCT a.pupil_id) AS pupils
      FROM checks_run_active a
     WHERE a.school_id IN (SELECT school_id FROM above)
     GROUP BY a.school_id, a.level
)
SELECT p.school_id, NULL AS enrolment_id, p.level, 'school:' || p.school_id || ':' || p.level AS subject_key,
       jsonb_build_object('level', p.level, 'pupils', p.pupils, 'places', coalesce(pl.places, 0),
                          'contracts', (SELECT jsonb_agg(c.number ORDER BY c.number) FROM contracts c
                                         WHERE c.school_id = p.school_id)) AS details
  FROM pupils p
  LEFT JOIN places pl ON pl.school_id = p.school_id AND pl.level = p.level
 WHERE p.pupils > coalesce(pl.places, 0)
"""


def explain(finding, d, details: Details | None) -> Explanation:
    advice = _("Only the contracted places are paid; agree an amendment with the department or correct the contingent.")
    if details is None:
        return Explanation(_("On %(date)s the contingent of %(level)s is above the contracted places.") % {
            "date": date_text(d), "level": level_text(finding.level)}, [], advice)
    return Explanation(_("On %(date)s %(pupils)s pupils of %(level)s are active, above the %(places)s places contracted.") % {
        "date": date_text(d), "pupils": details.pupils, "level": level_text(details.level), "places": details.places}, [], advice)


RULE = register(Rule(code=FindingCode.S05, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain,
                     prepares=(ACTIVE,)))
