"""D02 (error): a resident active on D in two or more *funded* dormitories — providers with a
``dormitory_place`` contract in force on D (read through ``orders_contracted_places``); a finding on
each such residence, naming the other dormitories."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.prepared import BENEFICIARIES
from checks.rules.wording import Explanation, SchoolRef, date_text, pupil_of
from programmes.choices import BeneficiaryKind, InstrumentCode


@dataclass(frozen=True)
class Details:
    iin: str
    other_dormitories: list[SchoolRef]


SQL = f"""
WITH funded AS (
    SELECT DISTINCT school_id FROM orders_contracted_places
     WHERE instrument = '{InstrumentCode.DORMITORY_PLACE}' AND period_start <= %(check_date)s AND period_end >= %(check_date)s
),
residents AS (
    SELECT b.id, b.school_id, b.iin, b.pupil_id FROM checks_run_beneficiaries b JOIN funded f ON f.school_id = b.school_id
     WHERE b.kind = '{BeneficiaryKind.RESIDENT}' AND b.active
),
several AS (SELECT pupil_id FROM residents GROUP BY pupil_id HAVING min(school_id) <> max(school_id))
SELECT r.school_id, r.id AS enrolment_id, NULL AS level, 'enrolment:' || r.id AS subject_key,
       jsonb_build_object('iin', r.iin, 'other_dormitories', jsonb_agg(
           jsonb_build_object('bin', s.bin, 'name_kk', s.name_kk, 'name_ru', s.name_ru) ORDER BY s.bin, o.id)) AS details
  FROM residents r
  JOIN several USING (pupil_id)
  JOIN residents o ON o.pupil_id = r.pupil_id AND o.school_id <> r.school_id
  JOIN schools_school s ON s.id = o.school_id
 GROUP BY r.school_id, r.id, r.iin
"""


def explain(finding, d, details: Details | None) -> Explanation:
    name, iin = pupil_of(finding)
    others = "; ".join(item.label() for item in details.other_dormitories) if details else "—"
    return Explanation(
        _("On %(date)s %(person)s (IIN %(iin)s) is a funded resident here and also in: %(others)s.") % {
            "date": date_text(d), "person": name, "iin": details.iin if details else iin, "others": others},
        [], _("One student occupies one funded place: the dormitories must establish where the student lives "
              "and correct their lists."))


RULE = register(Rule(code=FindingCode.D02, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain,
                     prepares=(BENEFICIARIES,)))
