"""S03 (error): the school's BIN is on the register of unreliable suppliers on D
(``schools.rules.register_entry_in_force``). ``included_on`` and ``reason`` are those of the latest
entry in force; ``entries`` lists every entry in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.wording import Explanation, date_text
from schools.rules import register_entry_in_force_sql


@dataclass(frozen=True)
class RegisterEntry:
    included_on: dt.date
    reason: str
    excluded_on: dt.date | None


@dataclass(frozen=True)
class Details:
    bin: str
    check_date: dt.date
    included_on: dt.date
    reason: str
    entries: list[RegisterEntry]


SQL = f"""
SELECT s.id AS school_id, NULL AS enrolment_id, '' AS level, 'school:' || s.id AS subject_key,
       jsonb_build_object(
           'bin', s.bin,
           'check_date', %(check_date)s::date,
           'included_on', max(r.included_on),
           'reason', (array_agg(r.reason ORDER BY r.included_on DESC))[1],
           'entries', jsonb_agg(jsonb_build_object('included_on', r.included_on, 'reason', r.reason,
                                                   'excluded_on', r.excluded_on) ORDER BY r.included_on)
       ) AS details
  FROM schools_school s
  JOIN schools_unreliablesupplierentry r ON r.bin = s.bin AND {register_entry_in_force_sql("r", "%(check_date)s")}
 GROUP BY s.id, s.bin
"""


def explain(finding, d, details: Details | None) -> Explanation:
    advice = _("A supplier on this register may not receive state money; the department decides on the contract.")
    if details is None:
        return Explanation(_("The school (BIN %(bin)s) is on the register of unreliable suppliers.") % {"bin": finding.school.bin},
                           [], advice)
    summary = _("The school (BIN %(bin)s) is on the register of unreliable suppliers since %(date)s.") % {
        "bin": details.bin, "date": date_text(details.included_on)}
    facts = [_("Reason given in the register: %(reason)s") % {"reason": details.reason}] if details.reason else []
    if len(details.entries) > 1:
        facts.append(ngettext("The register has %(count)s entry in force for this BIN.",
                              "The register has %(count)s entries in force for this BIN.", len(details.entries))
                     % {"count": len(details.entries)})
    return Explanation(summary, facts, advice)


RULE = register(Rule(code=FindingCode.S03, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain))
