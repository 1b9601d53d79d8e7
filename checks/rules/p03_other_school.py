"""P03 (error): NOBD has the pupil's IIN at another school (by BIN), active on D.

The details name each such school: its BIN and, when it is a school of the portal, its names
(NOBD rows carry only BINs; most are state schools, not in the portal).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.prepared import ACTIVE, NOBD, PUPIL_COLUMNS
from checks.rules.wording import Explanation, SchoolRef, date_text, pupil_of


@dataclass(frozen=True)
class NobdPlace(SchoolRef):
    """Where NOBD has the pupil on D: the school, the grade and the dates."""

    grade: int
    enrolled_on: dt.date
    left_on: dt.date | None


@dataclass(frozen=True)
class Details:
    iin: str
    other_schools: list[NobdPlace]


SQL = f"""
SELECT {PUPIL_COLUMNS},
       jsonb_build_object('iin', a.iin, 'other_schools', jsonb_agg(
           jsonb_build_object('bin', a.nobd_bin, 'name_kk', s.name_kk, 'name_ru', s.name_ru, 'grade', a.nobd_grade,
                              'enrolled_on', a.nobd_enrolled_on, 'left_on', a.nobd_left_on)
           ORDER BY a.nobd_bin, a.nobd_enrolled_on)) AS details
  FROM checks_run_nobd a
  LEFT JOIN schools_school s ON s.bin = a.nobd_bin
 WHERE NOT a.here AND a.nobd_active
 GROUP BY a.school_id, a.id, a.iin
"""


def explain(finding, d, details: Details | None) -> Explanation:
    name, iin = pupil_of(finding)
    advice = _("A pupil can be funded at one school only: remove the pupil from the contingent, "
               "or have NOBD corrected if the pupil really studies here.")
    if not details or not details.other_schools:
        return Explanation(_("According to NOBD, on %(date)s %(pupil)s (IIN %(iin)s) studies at another school.") % {
            "date": date_text(d), "pupil": name, "iin": iin}, [], advice)
    schools = list(dict.fromkeys(place.label() for place in details.other_schools))
    summary = ngettext(
        "According to NOBD, on %(date)s %(pupil)s (IIN %(iin)s) studies at another school: %(schools)s.",
        "According to NOBD, on %(date)s %(pupil)s (IIN %(iin)s) studies at other schools: %(schools)s.",
        len(schools),
    ) % {"date": date_text(d), "pupil": name, "iin": details.iin, "schools": "; ".join(schools)}
    facts = [_("NOBD: %(school)s, grade %(grade)s, enrolled on %(enrolled)s.") % {
        "school": place.label(), "grade": place.grade, "enrolled": date_text(place.enrolled_on)} for place in details.other_schools]
    return Explanation(summary, facts, advice)


RULE = register(Rule(code=FindingCode.P03, severity=Severity.ERROR, version="2", sql=SQL, details=Details, explain=explain,
                     needs_snapshot=True, prepares=(ACTIVE, NOBD)))
