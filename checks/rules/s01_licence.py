"""S01 (error): no active licence covering a level taught on D, once per school and level.

A level is taught on D when a pupil of that level is active on D in the school's contingent
(``contingent.rules``); a licence covers it as ``schools.rules.licence_covers`` says. Every
school of the portal is checked, whatever its status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checks.choices import FindingCode, Severity
from checks.rules import Rule, register
from checks.rules.wording import Explanation, date_text, level_text, levels_text
from contingent.rules import active_on_sql
from schools.choices import LicenceGap
from schools.rules import level_of_grade_sql, licence_covers_sql, licence_gap


@dataclass(frozen=True)
class LicenceEntry:
    number: str
    issued_on: dt.date
    levels: list[str]
    status: str


@dataclass(frozen=True)
class Details:
    bin: str
    level: str
    pupils: int  # of the level, active on D
    check_date: dt.date
    licences: list[LicenceEntry]  # every licence of the BIN, none of which covers the level on D


SQL = f"""
WITH taught AS (
    SELECT e.school_id, {level_of_grade_sql("e.grade")} AS level, count(*) AS pupils
      FROM contingent_enrolment e
     WHERE e.kind = 'pupil' AND {active_on_sql("e", "%(check_date)s::date")}
     GROUP BY 1, 2
)
SELECT s.id AS school_id, NULL AS enrolment_id, t.level AS level,
       'school:' || s.id || ':' || t.level AS subject_key,
       jsonb_build_object(
           'bin', s.bin,
           'level', t.level,
           'pupils', t.pupils,
           'check_date', %(check_date)s::date,
           'licences', coalesce((
               SELECT jsonb_agg(jsonb_build_object('number', l.number, 'issued_on', l.issued_on,
                                                   'levels', to_jsonb(l.levels), 'status', l.status)
                                ORDER BY l.issued_on, l.number)
                 FROM schools_licence l WHERE l.bin = s.bin), '[]'::jsonb)
       ) AS details
  FROM taught t
  JOIN schools_school s ON s.id = t.school_id
 WHERE NOT EXISTS (SELECT 1 FROM schools_licence l WHERE l.bin = s.bin AND {licence_covers_sql("l", "t.level", "%(check_date)s")})
"""


def _licence_fact(licence: LicenceEntry, level: str, d: dt.date) -> str:
    gap = licence_gap(status=licence.status, issued_on=licence.issued_on, levels=licence.levels, level=level, day=d)
    number = licence.number
    if gap == LicenceGap.SUSPENDED:
        return _("Licence %(number)s is suspended.") % {"number": number}
    if gap == LicenceGap.REVOKED:
        return _("Licence %(number)s is revoked.") % {"number": number}
    if gap == LicenceGap.NOT_YET_ISSUED:
        return _("Licence %(number)s was issued on %(issued)s, after %(date)s.") % {
            "number": number, "issued": date_text(licence.issued_on), "date": date_text(d)}
    if gap == LicenceGap.LEVEL_NOT_LISTED:
        return _("Licence %(number)s covers only: %(levels)s.") % {"number": number, "levels": levels_text(licence.levels)}
    return _("Licence %(number)s (%(levels)s).") % {"number": number, "levels": levels_text(licence.levels)}


def explain(finding, d, details: Details | None) -> Explanation:
    advice = _("Obtain or renew the licence for this level and have the licence register updated; only licensed levels "
               "may be funded.")
    if details is None:
        return Explanation(_("On %(date)s the school teaches the level “%(level)s” but holds no active licence covering this "
                             "level issued by that date.") % {"date": date_text(d), "level": level_text(finding.level)}, [], advice)
    summary = ngettext(
        "On %(date)s %(count)s pupil of the level “%(level)s” is active at the school, but the school holds no "
        "active licence covering this level issued by that date.",
        "On %(date)s %(count)s pupils of the level “%(level)s” are active at the school, but the school holds no "
        "active licence covering this level issued by that date.",
        details.pupils,
    ) % {"date": date_text(details.check_date), "level": level_text(details.level), "count": details.pupils}
    facts = [_licence_fact(licence, details.level, details.check_date) for licence in details.licences] or [
        _("The licence register has no licence for BIN %(bin)s.") % {"bin": details.bin}]
    return Explanation(summary, facts, advice)


RULE = register(Rule(code=FindingCode.S01, severity=Severity.ERROR, version="1", sql=SQL, details=Details, explain=explain))
