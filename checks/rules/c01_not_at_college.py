"""C01 (error): a scholarship holder active on D with no NOBD row active on D at that college (by BIN);
the details name the other schools or colleges where NOBD has the holder on D, if any."""

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
    studies_at: list[str]  # BINs where NOBD has the holder active on D (never this college)


SQL = f"""
SELECT {BENEFICIARY_COLUMNS},
       jsonb_build_object('iin', b.iin, 'studies_at', coalesce((
           SELECT jsonb_agg(DISTINCT n.school_bin) FROM checks_run_nobd_beneficiaries n WHERE n.iin = b.iin AND n.active
       ), '[]'::jsonb)) AS details
  FROM checks_run_beneficiaries b
 WHERE b.kind = '{BeneficiaryKind.SCHOLARSHIP_HOLDER}' AND b.active
   AND NOT EXISTS (SELECT 1 FROM checks_run_nobd_beneficiaries n WHERE n.iin = b.iin AND n.school_bin = b.bin AND n.active)
"""


def explain(finding, d, details: Details | None) -> Explanation:
    name, iin = pupil_of(finding)
    facts = []
    if details is not None and details.studies_at:
        facts = [_("NOBD has the holder on that day at BIN %(bins)s.") % {"bins": ", ".join(details.studies_at)}]
    return Explanation(
        _("On %(date)s %(person)s (IIN %(iin)s) holds a scholarship here, but NOBD does not have them studying at this "
          "college on that day.") % {"date": date_text(d), "person": name, "iin": details.iin if details else iin},
        facts, _("A scholarship is paid only to a student of the college: remove the holder from the list, or have NOBD "
                 "corrected."))


RULE = register(Rule(code=FindingCode.C01, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain,
                     needs_snapshot=True, prepares=(BENEFICIARIES, NOBD_BENEFICIARIES)))
