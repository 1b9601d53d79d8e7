"""D01 (error): a dormitory resident active on D who is not an active student in NOBD on D — no NOBD row
with the resident's IIN (at any school or college) is active on D."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.prepared import BENEFICIARIES, BENEFICIARY_COLUMNS, NOBD_BENEFICIARIES
from checks.rules.wording import Explanation, date_text, pupil_of
from programmes.choices import BeneficiaryKind


@dataclass(frozen=True)
class Details:
    iin: str
    nobd_rows: int  # rows of the snapshot with the IIN (none of them active on D)


SQL = f"""
SELECT {BENEFICIARY_COLUMNS},
       jsonb_build_object('iin', b.iin,
                          'nobd_rows', (SELECT count(*) FROM checks_run_nobd_beneficiaries n WHERE n.iin = b.iin)) AS details
  FROM checks_run_beneficiaries b
 WHERE b.kind = '{BeneficiaryKind.RESIDENT}' AND b.active
   AND NOT EXISTS (SELECT 1 FROM checks_run_nobd_beneficiaries n WHERE n.iin = b.iin AND n.active)
"""


def explain(finding, d, details: Details | None) -> Explanation:
    name, iin = pupil_of(finding)
    advice = _("A dormitory place is paid only for a student: remove the resident from the list from the day studies "
               "ended, or have NOBD corrected if the resident studies.")
    if details is not None and details.nobd_rows:
        summary = _("On %(date)s %(person)s (IIN %(iin)s) lives in the dormitory, but NOBD has no study of theirs active "
                    "on that day (only earlier or later ones).")
    else:
        summary = _("On %(date)s %(person)s (IIN %(iin)s) lives in the dormitory, but NOBD has no study of theirs at all.")
    return Explanation(summary % {"date": date_text(d), "person": name, "iin": details.iin if details else iin}, [], advice)


RULE = register(Rule(code=FindingCode.D01, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain,
                     needs_snapshot=True, prepares=(BENEFICIARIES, NOBD_BENEFICIARIES)))
