"""G01 (error): the same IIN holds grants at two or more providers for the same academic term — the term
of a grant programme containing D (``programmes.rules.terms_containing_sql``); a holder holds a grant
for a term when the enrolment is active during it (``contingent.rules.active_during_sql``). A finding
on each such enrolment, naming the other providers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.prepared import BENEFICIARIES
from checks.rules.wording import Explanation, SchoolRef, date_text, pupil_of
from contingent.rules import active_during_sql
from programmes.choices import BeneficiaryKind, InstrumentCode
from programmes.rules import terms_containing_sql


@dataclass(frozen=True)
class Details:
    iin: str
    term_start: dt.date
    term_end: dt.date
    other_providers: list[SchoolRef]


SQL = f"""
WITH terms AS {terms_containing_sql('%(check_date)s', InstrumentCode.GRANT)},
held AS (
    SELECT b.id, b.school_id, b.pupil_id, b.iin, t.term_start, t.term_end
      FROM checks_run_beneficiaries b
      JOIN terms t ON {active_during_sql('b', 't.term_start', 't.term_end')}
     WHERE b.kind = '{BeneficiaryKind.GRANT_HOLDER}'
),
several AS (
    SELECT pupil_id, term_start FROM held GROUP BY pupil_id, term_start HAVING min(school_id) <> max(school_id)
),
flagged AS (
    SELECT DISTINCT ON (h.id) h.* FROM held h JOIN several s USING (pupil_id, term_start) ORDER BY h.id, h.term_start
)
SELECT f.school_id, f.id AS enrolment_id, NULL AS level, 'enrolment:' || f.id AS subject_key,
       jsonb_build_object('iin', f.iin, 'term_start', f.term_start, 'term_end', f.term_end, 'other_providers', (
           SELECT jsonb_agg(DISTINCT jsonb_build_object('bin', sc.bin, 'name_kk', sc.name_kk, 'name_ru', sc.name_ru))
             FROM held o JOIN schools_school sc ON sc.id = o.school_id
            WHERE o.pupil_id = f.pupil_id AND o.term_start = f.term_start AND o.school_id <> f.school_id)) AS details
  FROM flagged f
"""


def explain(finding, d, details: Details | None) -> Explanation:
    name, iin = pupil_of(finding)
    if details is None:
        summary = _("%(person)s (IIN %(iin)s) holds grants at two or more providers for the term containing %(date)s.") % {
            "person": name, "iin": iin, "date": date_text(d)}
    else:
        summary = _("%(person)s (IIN %(iin)s) holds a grant here and at %(others)s for the term %(start)s – %(end)s.") % {
            "person": name, "iin": details.iin, "others": "; ".join(item.label() for item in details.other_providers),
            "start": date_text(details.term_start), "end": date_text(details.term_end)}
    return Explanation(summary, [], _("One grant per student and term: the providers must establish where the student "
                                      "studies and correct their lists of grant holders."))


RULE = register(Rule(code=FindingCode.G01, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain,
                     prepares=(BENEFICIARIES,)))
