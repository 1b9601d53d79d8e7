"""P01 (error): the IIN fails its check digit, encodes an impossible date, or a date other than the
pupil's birth date.

Checked with the static IIN tables, by the same SQL fragment as the importers (``contingent.sql.iin_check``): the IIN is right exactly when its first
seven characters encode the birth date, its last five are digits and the check digit matches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.choices import FindingCode, IinProblem, Severity
from checks.rules import Rule, register
from checks.rules.prepared import ACTIVE, PUPIL_COLUMNS
from checks.rules.wording import Explanation, date_text, pupil_of
from contingent.sql import iin_check


@dataclass(frozen=True)
class Details:
    iin: str
    birth_date: dt.date  # in the contingent
    iin_birth_date: dt.date | None  # encoded in the IIN; None when it encodes no real date
    reason: str  # IinProblem


# The one SQL home of "the IIN is wrong for this birth date" (``contingent.sql.iin_check``), shared with
# the importers' row check.
_IIN_JOINS, _IIN_WRONG = iin_check("a.iin", "to_char(a.birth_date, 'YYYY-MM-DD')", prefix="p", suffix="s")

SQL = f"""
SELECT {PUPIL_COLUMNS},
       jsonb_build_object(
           'iin', a.iin, 'birth_date', a.birth_date, 'iin_birth_date', eq_iin_birth_date(a.iin),
           'reason', CASE WHEN NOT eq_id12_valid(a.iin) THEN '{IinProblem.CHECK_DIGIT}'
                          WHEN eq_iin_birth_date(a.iin) IS NULL THEN '{IinProblem.IMPOSSIBLE_DATE}'
                          ELSE '{IinProblem.BIRTH_DATE_DIFFERS}' END) AS details
  FROM checks_run_active a
  {_IIN_JOINS}
 WHERE {_IIN_WRONG}
"""


def explain(finding, d, details: Details | None) -> Explanation:
    name, iin = pupil_of(finding)
    advice = _("Check the IIN against the pupil's identity document and correct the contingent.")
    if details is None:
        return Explanation(
            _("The IIN %(iin)s of %(pupil)s is not valid: it fails its check digit, or the birth date it encodes is "
              "impossible or differs from the pupil's birth date.") % {"iin": iin, "pupil": name}, [], advice)
    values = {"iin": details.iin, "pupil": name}
    if details.reason == IinProblem.BIRTH_DATE_DIFFERS:
        summary = _("The IIN %(iin)s of %(pupil)s encodes the birth date %(encoded)s, but the contingent gives %(birth)s.") % {
            **values, "encoded": date_text(details.iin_birth_date), "birth": date_text(details.birth_date)}
    else:
        reason = dict(IinProblem.choices).get(details.reason, details.reason)
        summary = _("The IIN %(iin)s of %(pupil)s is not valid: %(reason)s.") % {**values, "reason": reason}
    return Explanation(summary, [], advice)


RULE = register(Rule(code=FindingCode.P01, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain,
                     prepares=(ACTIVE,)))
