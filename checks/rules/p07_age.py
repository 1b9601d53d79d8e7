"""P07 (warning): age impossible for the grade — on 1 September of the school year containing D
(``core.calendar.school_year_start``) the pupil is younger than grade + 3 or older than grade + 8
(usually grade + 5 to grade + 6). Age < k exactly when the birth date is after 1 September k
years earlier."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.prepared import ACTIVE, PUPIL_COLUMNS
from checks.rules.wording import Explanation, pupil_of

YOUNGEST, OLDEST = 3, 8  # the age may lie between grade + 3 and grade + 8
USUAL_YOUNGEST, USUAL_OLDEST = 5, 6


@dataclass(frozen=True)
class Details:
    iin: str
    birth_date: dt.date
    grade: int
    age: int  # in whole years on ``age_on``
    age_on: dt.date  # 1 September of the school year
    min_age: int
    max_age: int


SQL = f"""
SELECT {PUPIL_COLUMNS},
       jsonb_build_object('iin', a.iin, 'birth_date', a.birth_date, 'grade', a.grade,
                          'age', date_part('year', age(%(school_year_start)s::date, a.birth_date))::integer,
                          'age_on', %(school_year_start)s::date, 'min_age', a.grade + {YOUNGEST},
                          'max_age', a.grade + {OLDEST}) AS details
  FROM checks_run_active a
 WHERE a.birth_date > (%(school_year_start)s::date - make_interval(years => a.grade + {YOUNGEST}))::date
    OR a.birth_date <= (%(school_year_start)s::date - make_interval(years => a.grade + {OLDEST + 1}))::date
"""


def explain(finding, d, details: Details | None) -> Explanation:
    name, iin = pupil_of(finding)
    advice = _("Check the birth date and the grade; if both are right, explain why.")
    if details is None:
        return Explanation(_("The age of %(pupil)s (IIN %(iin)s) is impossible for the grade.") % {"pupil": name, "iin": iin},
                           [], advice)
    return Explanation(
        _("On 1 September %(year)s %(pupil)s (IIN %(iin)s) was %(age)s years old, which is impossible for grade "
          "%(grade)s: the age must be between %(low)s and %(high)s (usually %(usual_low)s–%(usual_high)s).") % {
            "year": details.age_on.year, "pupil": name, "iin": details.iin, "age": details.age, "grade": details.grade,
            "low": details.min_age, "high": details.max_age, "usual_low": details.grade + USUAL_YOUNGEST,
            "usual_high": details.grade + USUAL_OLDEST}, [], advice)


RULE = register(Rule(code=FindingCode.P07, severity=Severity.WARNING, version="1", sql=SQL, details=Details, explain=explain,
                     prepares=(ACTIVE,)))
