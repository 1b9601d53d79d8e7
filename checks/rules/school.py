"""School rules S01–S03 (CONTRACT): licence for the levels taught, activity code, unreliable suppliers.

D is ``%(check_date)s``, the date of the run. Every school of the portal is checked, whatever its
status. Each rule is one SELECT; the engine turns its rows into findings.
"""

from __future__ import annotations

from checks.choices import FindingCode
from checks.rules import Rule, register
from contingent.rules import active_on_sql
from schools.rules import level_of_grade_sql, licence_covers_sql, register_entry_in_force_sql

# A level is taught on D when a pupil of that level is active on D in the school's contingent
# (enrolled_on ≤ D and left_on empty or ≥ D). Levels: primary 0–4, basic 5–9, general 10–11.
S01_SQL = f"""
WITH taught AS (
    SELECT e.school_id,
           {level_of_grade_sql("e.grade")} AS level,
           count(*) AS pupils
      FROM contingent_enrolment e
     WHERE {active_on_sql("e", "%(check_date)s::date")}
     GROUP BY 1, 2
)
SELECT s.id AS school_id, NULL AS enrolment_id, t.level AS level,
       'school:' || s.id || ':' || t.level AS subject_key,
       jsonb_build_object(
           'bin', s.bin,
           'level', t.level,
           'pupils', t.pupils,
           'check_date', %(check_date)s::date,
           'licences', coalesce((
               SELECT jsonb_agg(jsonb_build_object('number', l.number, 'issued_on', l.issued_on,
                                                   'levels', to_jsonb(l.levels), 'status', l.status)
                                ORDER BY l.issued_on, l.number)
                 FROM schools_licence l WHERE l.bin = s.bin), '[]'::jsonb)
       ) AS details
  FROM taught t
  JOIN schools_school s ON s.id = t.school_id
 WHERE NOT EXISTS (
       SELECT 1 FROM schools_licence l
        WHERE l.bin = s.bin AND {licence_covers_sql("l", "t.level", "%(check_date)s")})
"""

# OKED section 85 is education; an empty code counts as "not education".
S02_SQL = """
SELECT s.id AS school_id, NULL AS enrolment_id, '' AS level, 'school:' || s.id AS subject_key,
       jsonb_build_object('bin', s.bin, 'oked', s.oked) AS details
  FROM schools_school s
 WHERE left(coalesce(s.oked, ''), 2) <> '85'
"""

# On the register on D: included_on ≤ D and not excluded by D (excluded_on is an optional column).
# ``included_on`` and ``reason`` are those of the latest entry in force; ``entries`` lists them all.
S03_SQL = f"""
SELECT s.id AS school_id, NULL AS enrolment_id, '' AS level, 'school:' || s.id AS subject_key,
       jsonb_build_object(
           'bin', s.bin,
           'check_date', %(check_date)s::date,
           'included_on', max(r.included_on),
           'reason', (array_agg(r.reason ORDER BY r.included_on DESC))[1],
           'entries', jsonb_agg(jsonb_build_object('included_on', r.included_on, 'reason', r.reason,
                                                   'excluded_on', r.excluded_on) ORDER BY r.included_on)
       ) AS details
  FROM schools_school s
  JOIN schools_unreliablesupplierentry r
    ON r.bin = s.bin AND {register_entry_in_force_sql("r", "%(check_date)s")}
 GROUP BY s.id, s.bin
"""

S01 = register(Rule(code=FindingCode.S01, version="1", sql=S01_SQL))
S02 = register(Rule(code=FindingCode.S02, version="1", sql=S02_SQL))
S03 = register(Rule(code=FindingCode.S03, version="1", sql=S03_SQL))
