"""Tables that the contingent checks share within one run (``checks.rules.Preparation``).

* ``checks_run_active`` — the pupils' enrolments (kind ``pupil``) active on D (``enrolled_on ≤ D`` and ``left_on``
  empty or ``≥ D``) with the level of their grade, the pupil's IIN and birth date and the school's BIN: the point-in-time
  contingent that every pupil and capacity rule of the run reads.
* ``checks_run_nobd`` — for each of those enrolments, the snapshot's NOBD rows with the pupil's IIN,
  typed (the snapshot keeps the rows as received; ``nobd_import`` proved every value well-formed):
  one row per enrolment and NOBD row, with the enrolment's columns (``id``, ``school_id``, ``iin``,
  ``bin``, ``grade``), the NOBD row's (``nobd_bin``, ``nobd_grade``, ``nobd_enrolled_on``,
  ``nobd_left_on``), ``nobd_active`` = the row is active on D and ``here`` = the row is at the
  enrolment's school. An enrolment whose IIN no row has appears once, with the NOBD columns NULL
  (every stored NOBD value is NOT NULL). One pass over the national snapshot, joined once with the
  contingent, instead of one join per rule: P02–P04 and P06 read only this table; the rows of the
  snapshot come from the NOBD history (``contingent.history``).
"""

from __future__ import annotations

from checks.rules import Preparation
from contingent.history import snapshot_rows_sql
from contingent.rules import active_on_sql, nobd_active_on_sql
from programmes.choices import BeneficiaryKind
from schools.rules import level_of_grade_sql

ACTIVE = Preparation(
    name="checks_run_active",
    sql=f"""
    SELECT e.id, e.school_id, e.pupil_id, e.grade, {level_of_grade_sql("e.grade")} AS level, p.iin::text AS iin,
           p.birth_date, s.bin::text AS bin
      FROM contingent_enrolment e
      JOIN contingent_pupil p ON p.id = e.pupil_id
      JOIN schools_school s ON s.id = e.school_id
     WHERE e.kind = '{BeneficiaryKind.PUPIL}' AND {active_on_sql("e", "%(check_date)s::date")}
    """,
)

# D written as the snapshot writes dates (computed once per statement).
D_TEXT = "(SELECT to_char(%(check_date)s::date, 'YYYY-MM-DD'))"

NOBD = Preparation(
    name="checks_run_nobd",
    needs_snapshot=True,
    sql=f"""
    SELECT a.id, a.school_id, a.iin, a.bin, a.grade,
           n.school_bin AS nobd_bin, n.grade::smallint AS nobd_grade, n.enrolled_on::date AS nobd_enrolled_on,
           nullif(n.left_on, '')::date AS nobd_left_on,
           {nobd_active_on_sql("n", D_TEXT)} AS nobd_active, n.school_bin = a.bin AS here
      FROM checks_run_active a
      LEFT JOIN {snapshot_rows_sql("%(snapshot_id)s")} n ON n.iin = a.iin
    """,
)

# The first columns of every pupil rule: a finding is about one active enrolment (alias ``a``).
PUPIL_COLUMNS = "a.school_id, a.id AS enrolment_id, NULL AS level, 'enrolment:' || a.id AS subject_key"

# --- the other programmes' beneficiaries (dormitory residents, scholarship and grant holders) ---

BENEFICIARIES = Preparation(
    name="checks_run_beneficiaries",
    sql=f"""
    SELECT e.id, e.school_id, e.pupil_id, e.kind, e.category, e.specialty_group, e.enrolled_on, e.left_on,
           {active_on_sql("e", "%(check_date)s::date")} AS active, p.iin::text AS iin, s.bin::text AS bin
      FROM contingent_enrolment e
      JOIN contingent_pupil p ON p.id = e.pupil_id
      JOIN schools_school s ON s.id = e.school_id
     WHERE e.kind <> '{BeneficiaryKind.PUPIL}'
       AND e.enrolled_on <= %(check_date)s::date + interval '1 year'
       AND (e.left_on IS NULL OR e.left_on >= %(check_date)s::date - interval '1 year')
    """,
)
"""Every non-pupil enrolment within a year of D (G01 looks at whole terms around D), ``active`` on D."""

NOBD_BENEFICIARIES = Preparation(
    name="checks_run_nobd_beneficiaries",
    needs_snapshot=True,
    sql=f"""
    SELECT n.iin, n.school_bin, {nobd_active_on_sql("n", D_TEXT)} AS active
      FROM contingent_nobdrow n
     WHERE n.snapshot_id = %(snapshot_id)s
       AND n.iin IN (SELECT iin FROM checks_run_beneficiaries WHERE active)
    """,
)
"""The snapshot's rows for the beneficiaries active on D (D01: studying anywhere; C01: at that college)."""

# The first columns of every beneficiary rule (alias ``b``: a row of ``checks_run_beneficiaries``).
BENEFICIARY_COLUMNS = "b.school_id, b.id AS enrolment_id, NULL AS level, 'enrolment:' || b.id AS subject_key"
