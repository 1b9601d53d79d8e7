"""Pupil checks P01–P07 (CONTRACT "Finding codes"), one set-based query each.

D is the check date (the NOBD snapshot's date). A contingent enrolment is *active on D* when
``enrolled_on ≤ D`` and ``left_on`` is empty or ``≥ D``; an NOBD row likewise. Every active
enrolment of every school is checked (``checks_run_active``), and each code is decided on its
own: one enrolment can carry several codes. A finding is about one enrolment: one pupil at
one school (the database keeps a pupil's enrolments at one school from overlapping).
The NOBD rows come from ``checks_run_nobd``: the snapshot's rows for those pupils' IINs.
"""

from __future__ import annotations

from checks.choices import FindingCode
from checks.rules import Rule, register
from checks.rules.prepared import ACTIVE, NOBD

SUBJECT = "'enrolment:' || a.id"
COLUMNS = f"a.school_id, a.id AS enrolment_id, NULL AS level, {SUBJECT} AS subject_key"

# P01: the IIN fails its check digit, encodes an impossible date, or a date other than the
# pupil's birth date. Checked with the static IIN tables (see contingent.sql): the IIN is right
# exactly when its first seven characters encode the birth date, its last five are digits and
# the check digit matches.
P01 = f"""
SELECT {COLUMNS},
       jsonb_build_object(
           'iin', a.iin, 'birth_date', a.birth_date, 'iin_birth_date', eq_iin_birth_date(a.iin),
           'reason', CASE WHEN NOT eq_id12_valid(a.iin) THEN 'check_digit'
                          WHEN eq_iin_birth_date(a.iin) IS NULL THEN 'impossible_date'
                          ELSE 'birth_date_differs' END) AS details
  FROM checks_run_active a
  LEFT JOIN eq_iin_prefix p ON p.prefix = left(a.iin, 7) AND p.birth_date = to_char(a.birth_date, 'YYYY-MM-DD')
  LEFT JOIN eq_iin_suffix s ON s.suffix = right(a.iin, 5)
 WHERE p.prefix IS NULL OR s.suffix IS NULL OR octet_length(a.iin) <> 12
    OR (mod(p.s1 + s.s1, 11) <> s.check AND (mod(p.s1 + s.s1, 11) <> 10 OR mod(p.s2 + s.s2, 11) <> s.check))
"""

# P02: no NOBD row (at any school, on any dates) has the IIN.
P02 = f"""
SELECT {COLUMNS}, jsonb_build_object('iin', a.iin) AS details
  FROM checks_run_active a
 WHERE NOT EXISTS (SELECT 1 FROM checks_run_nobd n WHERE n.iin = a.iin)
"""

# P03: NOBD has the IIN at another school (by BIN), active on D.
P03 = f"""
SELECT {COLUMNS},
       jsonb_build_object('iin', a.iin, 'nobd_rows', jsonb_agg(
           jsonb_build_object('school_bin', n.school_bin, 'grade', n.grade, 'enrolled_on', n.enrolled_on,
                              'left_on', n.left_on)
           ORDER BY n.school_bin, n.enrolled_on)) AS details
  FROM checks_run_active a
  JOIN checks_run_nobd n ON n.iin = a.iin AND n.school_bin <> a.bin AND n.active
 GROUP BY a.school_id, a.id, a.iin
"""

# P04: NOBD has the pupil at this school only with left_on before D (every row there has left
# before D). The few enrolments with a row that left before D are found first.
P04 = f"""
WITH left_before AS (
    SELECT DISTINCT a.id
      FROM checks_run_active a
      JOIN checks_run_nobd n ON n.iin = a.iin AND n.school_bin = a.bin AND n.left_on < %(check_date)s
)
SELECT {COLUMNS}, jsonb_build_object('iin', a.iin, 'nobd_left_on', max(n.left_on)) AS details
  FROM checks_run_active a
  JOIN left_before USING (id)
  JOIN checks_run_nobd n ON n.iin = a.iin AND n.school_bin = a.bin
 GROUP BY a.school_id, a.id, a.iin
HAVING bool_and(n.left_on IS NOT NULL AND n.left_on < %(check_date)s)
"""

# P05: the pupil is active on D at two or more schools of the portal; each such enrolment.
P05 = f"""
WITH several AS (
    SELECT pupil_id FROM checks_run_active GROUP BY pupil_id HAVING min(school_id) <> max(school_id)
),
bins AS (
    SELECT a.pupil_id, jsonb_agg(DISTINCT a.bin) AS bins
      FROM checks_run_active a JOIN several USING (pupil_id) GROUP BY a.pupil_id
)
SELECT {COLUMNS}, jsonb_build_object('iin', a.iin, 'school_bins', b.bins) AS details
  FROM checks_run_active a
  JOIN bins b ON b.pupil_id = a.pupil_id
"""

# P06: NOBD's row(s) for the pupil at this school active on D, none with the contingent's grade.
# The few enrolments with an active row of another grade are found first.
P06 = f"""
WITH differing AS (
    SELECT DISTINCT a.id
      FROM checks_run_active a
      JOIN checks_run_nobd n ON n.iin = a.iin AND n.school_bin = a.bin AND n.active AND n.grade <> a.grade
)
SELECT {COLUMNS},
       jsonb_build_object('iin', a.iin, 'grade', a.grade, 'nobd_grades', jsonb_agg(DISTINCT n.grade)) AS details
  FROM checks_run_active a
  JOIN differing USING (id)
  JOIN checks_run_nobd n ON n.iin = a.iin AND n.school_bin = a.bin AND n.active
 GROUP BY a.school_id, a.id, a.iin, a.grade
HAVING bool_and(n.grade <> a.grade)
"""

# P07: age in whole years on 1 September of the school year containing D below grade + 3 or
# above grade + 8. Age < k exactly when the birth date is after 1 September k years earlier.
P07 = f"""
SELECT {COLUMNS},
       jsonb_build_object('iin', a.iin, 'birth_date', a.birth_date, 'grade', a.grade,
                          'age', date_part('year', age(%(school_year_start)s::date, a.birth_date))::integer,
                          'age_on', %(school_year_start)s::date, 'min_age', a.grade + 3, 'max_age', a.grade + 8) AS details
  FROM checks_run_active a
 WHERE a.birth_date > (%(school_year_start)s::date - make_interval(years => a.grade + 3))::date
    OR a.birth_date <= (%(school_year_start)s::date - make_interval(years => a.grade + 9))::date
"""

register(Rule(code=FindingCode.P01, version="1", sql=P01, prepares=(ACTIVE,)))
register(Rule(code=FindingCode.P02, version="1", sql=P02, needs_snapshot=True, prepares=(ACTIVE, NOBD)))
register(Rule(code=FindingCode.P03, version="1", sql=P03, needs_snapshot=True, prepares=(ACTIVE, NOBD)))
register(Rule(code=FindingCode.P04, version="1", sql=P04, needs_snapshot=True, prepares=(ACTIVE, NOBD)))
register(Rule(code=FindingCode.P05, version="1", sql=P05, prepares=(ACTIVE,)))
register(Rule(code=FindingCode.P06, version="1", sql=P06, needs_snapshot=True, prepares=(ACTIVE, NOBD)))
register(Rule(code=FindingCode.P07, version="1", sql=P07, prepares=(ACTIVE,)))
