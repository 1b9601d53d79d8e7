"""S04 (warning): pupils active on D above the school's capacity.

Pupils are counted once per school however many enrolments they have there (enrolments of a
pupil at one school never overlap, so this is the number of active enrolments).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.prepared import ACTIVE
from checks.rules.wording import Explanation, date_text


@dataclass(frozen=True)
class Details:
    pupils: int  # active on D
    capacity: int


# Counting enrolments is cheap (no sort); a school whose active enrolments do not exceed its capacity cannot
# have more distinct pupils than that, so only the schools above it have their pupils counted one by one.
SQL = """
WITH enrolments AS (SELECT school_id, count(*) AS enrolments FROM checks_run_active GROUP BY school_id),
above AS (
    SELECT s.id FROM schools_school s JOIN enrolments e ON e.school_id = s.id
     WHERE s.capacity IS NOT NULL AND e.enrolments > s.capacity
),
counted AS (
    SELECT school_id, count(DISTINCT pupil_id) AS pupils FROM checks_run_active
     WHERE school_id IN (SELECT id FROM above) GROUP BY school_id
)
SELECT s.id AS school_id, NULL AS enrolment_id, NULL AS level, 'school:' || s.id AS subject_key,
       jsonb_build_object('pupils', c.pupils, 'capacity', s.capacity) AS details
  FROM schools_school s
  JOIN counted c ON c.school_id = s.id
 WHERE s.capacity IS NOT NULL AND c.pupils > s.capacity
"""


def explain(finding, d, details: Details | None) -> Explanation:
    advice = _("Explain how the pupils are taught safely, or bring the contingent within capacity.")
    if details is None:
        return Explanation(_("On %(date)s the contingent is above the school's capacity.") % {"date": date_text(d)}, [], advice)
    return Explanation(_("On %(date)s %(pupils)s pupils are active, above the school's capacity of %(capacity)s.") % {
        "date": date_text(d), "pupils": details.pupils, "capacity": details.capacity}, [], advice)


RULE = register(Rule(code=FindingCode.S04, severity=Severity.WARNING, version="1", sql=SQL, details=Details, explain=explain,
                     prepares=(ACTIVE,)))
