"""P02 (error): no NOBD row (at any school, on any dates) has the pupil's IIN."""

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


SQL = f"""
SELECT {PUPIL_COLUMNS}, jsonb_build_object('iin', a.iin) AS details
  FROM checks_run_nobd a
 WHERE a.nobd_bin IS NULL
"""


def explain(finding, d, details: Details | None) -> Explanation:
    name, iin = pupil_of(finding)
    return Explanation(
        _("No row of the NOBD snapshot of %(date)s has the IIN %(iin)s of %(pupil)s: the National Education "
          "Database does not know this pupil.") % {"date": date_text(d), "iin": details.iin if details else iin, "pupil": name},
        [],
        _("Make sure the pupil is registered in NOBD by the school, or correct the IIN in the contingent."),
    )


RULE = register(Rule(code=FindingCode.P02, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain,
                     needs_snapshot=True, prepares=(ACTIVE, NOBD)))
