"""School checks S04 and S05 (CONTRACT "Finding codes"), one set-based query each.

Pupils are counted once per school however many enrolments they have there (enrolments of a
pupil at one school never overlap, so this is the number of active enrolments).

S05 compares the pupils of each level with the places of that level in the school's
*active* contracts on D (status ``active`` and ``period_start ≤ D ≤ period_end``), summed
over those contracts. It reads them through the SQL view ``orders_contracted_places`` that the
orders app publishes (``orders.published``), never the orders tables. It applies only to schools with at least one such contract — a
school without a contract on D is funded for nobody and has nothing to exceed — and there
a level without contracted places counts as 0 places.
"""

from __future__ import annotations

from checks.choices import FindingCode
from checks.rules import Rule, register
from checks.rules.prepared import ACTIVE
from schools.rules import level_of_grade_sql

S04 = """
WITH counted AS (SELECT school_id, count(DISTINCT pupil_id) AS pupils FROM checks_run_active GROUP BY school_id)
SELECT s.id AS school_id, NULL AS enrolment_id, NULL AS level, 'school:' || s.id AS subject_key,
       jsonb_build_object('pupils', c.pupils, 'capacity', s.capacity) AS details
  FROM schools_school s
  JOIN counted c ON c.school_id = s.id
 WHERE s.capacity IS NOT NULL AND c.pupils > s.capacity
"""

S05 = f"""
WITH in_force AS (
    SELECT * FROM orders_contracted_places p
     WHERE p.period_start <= %(check_date)s AND p.period_end >= %(check_date)s
),
contracts AS (
    SELECT DISTINCT contract_id AS id, school_id, contract_number AS number FROM in_force
),
places AS (
    SELECT school_id, level, sum(places) AS places FROM in_force WHERE level IS NOT NULL GROUP BY school_id, level
),
pupils AS (
    SELECT a.school_id, {level_of_grade_sql('a.grade')} AS level, count(DISTINCT a.pupil_id) AS pupils
      FROM checks_run_active a
     WHERE a.school_id IN (SELECT school_id FROM contracts)
     GROUP BY 1, 2
)
SELECT p.school_id, NULL AS enrolment_id, p.level, 'school:' || p.school_id || ':' || p.level AS subject_key,
       jsonb_build_object('level', p.level, 'pupils', p.pupils, 'places', coalesce(pl.places, 0),
                          'contracts', (SELECT jsonb_agg(c.number ORDER BY c.number) FROM contracts c
                                         WHERE c.school_id = p.school_id)) AS details
  FROM pupils p
  LEFT JOIN places pl ON pl.school_id = p.school_id AND pl.level = p.level
 WHERE p.pupils > coalesce(pl.places, 0)
"""

register(Rule(code=FindingCode.S04, version="1", sql=S04, prepares=(ACTIVE,)))
register(Rule(code=FindingCode.S05, version="1", sql=S05, prepares=(ACTIVE,)))
