"""D03 (error): residents active on D in a dormitory above the places contracted under its
``dormitory_place`` contracts in force on D (summed; read through ``orders_contracted_places``). One
finding per dormitory, at the category ``place`` (so it concerns the act lines of places)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.prepared import BENEFICIARIES
from checks.rules.wording import Explanation, date_text
from programmes.choices import BeneficiaryKind, InstrumentCode
from programmes.instruments import PLACE


@dataclass(frozen=True)
class Details:
    residents: int  # active on D
    places: int  # contracted, over the contracts in force on D
    contracts: list[str]


SQL = f"""
WITH in_force AS (
    SELECT * FROM orders_contracted_places
     WHERE instrument = '{InstrumentCode.DORMITORY_PLACE}' AND period_start <= %(check_date)s AND period_end >= %(check_date)s
),
places AS (
    SELECT school_id, coalesce(sum(places) FILTER (WHERE level = '{PLACE}'), 0) AS places,
           jsonb_agg(DISTINCT contract_number) AS contracts
      FROM in_force GROUP BY school_id
),
occupancy AS (
    SELECT school_id, count(DISTINCT pupil_id) AS residents FROM checks_run_beneficiaries
     WHERE kind = '{BeneficiaryKind.RESIDENT}' AND active GROUP BY school_id
)
SELECT o.school_id, NULL AS enrolment_id, '{PLACE}' AS level, 'school:' || o.school_id || ':{PLACE}' AS subject_key,
       jsonb_build_object('residents', o.residents, 'places', p.places, 'contracts', p.contracts) AS details
  FROM occupancy o JOIN places p ON p.school_id = o.school_id
 WHERE o.residents > p.places
"""


def explain(finding, d, details: Details | None) -> Explanation:
    advice = _("Only the contracted places are paid; agree an amendment with the department or correct the list of residents.")
    if details is None:
        return Explanation(_("On %(date)s the dormitory houses more funded residents than the places contracted.")
                           % {"date": date_text(d)}, [], advice)
    return Explanation(_("On %(date)s %(residents)s residents live in the dormitory, above the %(places)s places contracted "
                         "(%(contracts)s).") % {"date": date_text(d), "residents": details.residents,
                                                "places": details.places, "contracts": ", ".join(details.contracts)},
                       [], advice)


RULE = register(Rule(code=FindingCode.D03, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain,
                     prepares=(BENEFICIARIES,)))
