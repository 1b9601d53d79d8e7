"""P05 (error): the pupil is active on D in the contingents of two or more schools of the portal; a
finding on each such enrolment, naming the other schools (BIN and names)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.prepared import ACTIVE
from checks.rules.wording import Explanation, SchoolRef, date_text, pupil_of


@dataclass(frozen=True)
class Details:
    iin: str
    other_schools: list[SchoolRef]  # the other portal schools with the pupil active on D


# One join of the active enrolments with themselves on the pupil (cheaper than grouping 600 k pupils first).
SQL = """
SELECT c.school_id, c.id AS enrolment_id, NULL AS level, 'enrolment:' || c.id AS subject_key,
       jsonb_build_object('iin', c.iin, 'other_schools', jsonb_agg(
           jsonb_build_object('bin', o.bin, 'name_kk', s.name_kk, 'name_ru', s.name_ru) ORDER BY o.bin, o.id)) AS details
  FROM checks_run_active c
  JOIN checks_run_active o ON o.pupil_id = c.pupil_id AND o.school_id <> c.school_id
  JOIN schools_school s ON s.id = o.school_id
 GROUP BY c.school_id, c.id, c.iin
"""


def explain(finding, d, details: Details | None) -> Explanation:
    name, iin = pupil_of(finding)
    advice = _("Only one school may claim the pupil: the schools and the department must "
               "establish where the pupil studies and correct the contingents.")
    if not details or not details.other_schools:
        return Explanation(_("On %(date)s %(pupil)s (IIN %(iin)s) is active in the contingents of two or more schools of "
                             "the portal.") % {"date": date_text(d), "pupil": name, "iin": iin}, [], advice)
    schools = [school.label() for school in details.other_schools]
    summary = ngettext(
        "On %(date)s %(pupil)s (IIN %(iin)s) is also active in the contingent of another school of the portal: %(schools)s.",
        "On %(date)s %(pupil)s (IIN %(iin)s) is also active in the contingents of %(count)s other schools of the portal: "
        "%(schools)s.",
        len(schools),
    ) % {"date": date_text(d), "pupil": name, "iin": details.iin, "count": len(schools), "schools": "; ".join(schools)}
    return Explanation(summary, [], advice)


RULE = register(Rule(code=FindingCode.P05, severity=Severity.ERROR, version="2", sql=SQL, details=Details, explain=explain,
                     prepares=(ACTIVE,)))
