"""S02 (error): the provider's activity code (OKED) is not one its kind may have — education (section 85),
or for a dormitory operator also 55.90 (``schools.rules.ALLOWED_OKED``); an empty code never is."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.wording import Explanation
from schools.rules import oked_allowed_sql

EDUCATION_SECTION = "85"


@dataclass(frozen=True)
class Details:
    bin: str
    oked: str  # as in the schools register; "" when the school has none


SQL = f"""
SELECT s.id AS school_id, NULL AS enrolment_id, '' AS level, 'school:' || s.id AS subject_key,
       jsonb_build_object('bin', s.bin, 'oked', coalesce(s.oked, '')) AS details
  FROM schools_school s
 WHERE NOT {oked_allowed_sql('s')}
"""


def explain(finding, d, details: Details | None) -> Explanation:
    oked = details.oked if details else finding.school.oked
    if oked:
        summary = _("The school's activity code (OKED) is %(oked)s, which is not education (section 85).") % {"oked": oked}
    else:
        summary = _("The school has no activity code (OKED); only organisations in section 85 (education) may receive "
                    "the state order.")
    return Explanation(summary, [], _("Have the activity code in the state register of legal entities corrected, "
                                      "then the schools register reloaded."))


# Version 1 still: for a school the decision and the details are those of before issue 10.
RULE = register(Rule(code=FindingCode.S02, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain))
