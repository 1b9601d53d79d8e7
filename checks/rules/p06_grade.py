"""P06 (warning): NOBD's row(s) for the pupil at this school, active on D, none with the contingent's grade."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.prepared import ACTIVE, NOBD, PUPIL_COLUMNS
from checks.rules.wording import Explanation, date_text, pupil_of


@dataclass(frozen=True)
class Details:
    iin: str
    grade: int  # in the contingent
    nobd_grades: list[int]  # in NOBD's rows at this school, active on D


# The few enrolments with an active row here of another grade are found first, then all their active rows here.
SQL = f"""
WITH differing AS (
    SELECT DISTINCT id FROM checks_run_nobd WHERE here AND nobd_active AND nobd_grade <> grade
)
SELECT {PUPIL_COLUMNS},
       jsonb_build_object('iin', a.iin, 'grade', a.grade, 'nobd_grades', jsonb_agg(DISTINCT a.nobd_grade)) AS details
  FROM checks_run_nobd a
  JOIN differing USING (id)
 WHERE a.here AND a.nobd_active
 GROUP BY a.school_id, a.id, a.iin, a.grade
HAVING bool_and(a.nobd_grade <> a.grade)
"""


def explain(finding, d, details: Details | None) -> Explanation:
    name, iin = pupil_of(finding)
    advice = _("Correct the grade where it is wrong, or explain the difference.")
    if not details or not details.nobd_grades:
        return Explanation(_("The grade of %(pupil)s (IIN %(iin)s) in the contingent differs from the grade in NOBD on %(date)s.")
                           % {"pupil": name, "iin": iin, "date": date_text(d)}, [], advice)
    return Explanation(
        _("NOBD has %(pupil)s (IIN %(iin)s) in grade %(nobd)s at this school on %(date)s; the contingent "
          "says grade %(grade)s.") % {"pupil": name, "iin": details.iin, "nobd": ", ".join(str(g) for g in details.nobd_grades),
                                      "grade": details.grade, "date": date_text(d)}, [], advice)


RULE = register(Rule(code=FindingCode.P06, severity=Severity.WARNING, version="1", sql=SQL, details=Details, explain=explain,
                     needs_snapshot=True, prepares=(ACTIVE, NOBD)))
