"""P04 (error): NOBD has the pupil at this school only with ``left_on`` before D (every row there has
left before D), yet the contingent has the pupil active on D."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.prepared import ACTIVE, NOBD, PUPIL_COLUMNS
from checks.rules.wording import Explanation, date_text, pupil_of


@dataclass(frozen=True)
class Details:
    iin: str
    nobd_left_on: dt.date  # the latest date NOBD has the pupil leaving this school


# The few enrolments with a row here that left before D are found first, then all their rows here.
SQL = f"""
WITH left_before AS (
    SELECT DISTINCT id FROM checks_run_nobd WHERE here AND nobd_left_on < %(check_date)s
)
SELECT {PUPIL_COLUMNS}, jsonb_build_object('iin', a.iin, 'nobd_left_on', max(a.nobd_left_on)) AS details
  FROM checks_run_nobd a
  JOIN left_before USING (id)
 WHERE a.here
 GROUP BY a.school_id, a.id, a.iin
HAVING bool_and(a.nobd_left_on IS NOT NULL AND a.nobd_left_on < %(check_date)s)
"""


def explain(finding, d, details: Details | None) -> Explanation:
    name, iin = pupil_of(finding)
    advice = _("Enter the date the pupil left in the contingent; no money is due after it.")
    if details is None:
        return Explanation(_("According to NOBD, %(pupil)s (IIN %(iin)s) has left this school, yet the contingent has the pupil "
                             "active on %(date)s.") % {"pupil": name, "iin": iin, "date": date_text(d)}, [], advice)
    return Explanation(
        _("According to NOBD, %(pupil)s (IIN %(iin)s) left this school on %(left)s, yet the contingent has the "
          "pupil active on %(date)s.") % {"pupil": name, "iin": details.iin, "left": date_text(details.nobd_left_on),
                                          "date": date_text(d)}, [], advice)


RULE = register(Rule(code=FindingCode.P04, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain,
                     needs_snapshot=True, prepares=(ACTIVE, NOBD)))
