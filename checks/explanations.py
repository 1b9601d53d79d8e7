"""Every finding in plain words, in the reader's language (kk/ru/en).

``explain(finding)`` builds an ``Explanation`` from the CONTRACT meaning of the finding's code,
the subject (school, pupil, enrolment), the date D of the run that last found it and the rule's
``details``. Detail keys read, when present (rules may add more; a missing key gives a more
general sentence, never an error):

* P01 ``problem``; P03 ``other_school_bin``/``nobd_school_bin``, ``other_school_name``;
  P04 ``nobd_left_on``/``left_on``; P05 ``schools`` (list of BINs or of {"bin", "name"}),
  ``school_count``; P06 ``nobd_grade``, ``grade``; P07 ``age``, ``grade``;
* S01 ``level``, ``pupils``, ``licences`` [{number, issued_on, levels, status}]; S02 ``oked``;
  S03 ``included_on``, ``reason``, ``entries``; S04 ``pupils``, ``capacity``;
  S05 ``level``, ``pupils``, ``places``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checks.choices import FindingCode, Severity


@dataclass(frozen=True)
class Explanation:
    summary: str
    facts: list[str] = field(default_factory=list)
    advice: str = ""
    consequence: str = ""


def _date(value) -> str:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return "" if value is None else str(value)


def _level(value) -> str:
    from schools.choices import Level

    return str(dict(Level.choices).get(value, value or _("unknown level")))


def _levels(values) -> str:
    return ", ".join(_level(value) for value in (values or [])) or _("no level")


def _first(details: dict, *keys):
    for key in keys:
        value = details.get(key)
        if value not in (None, "", []):
            return value
    return None


def _pupil(finding) -> tuple[str, str]:
    enrolment = getattr(finding, "enrolment", None)
    if enrolment is None:
        return _("the pupil"), ""
    pupil = enrolment.pupil
    return str(pupil), pupil.iin


def _check_date(finding):
    run = getattr(finding, "last_run", None)
    return getattr(run, "check_date", None)


def _consequence(finding) -> str:
    if finding.severity == Severity.ERROR:
        return _("This is an error: while it is open, the act lines it concerns are not payable.")
    return _("This is a warning: it does not stop payment, but the school should explain it.")


# --- pupils -------------------------------------------------------------------------------

def _p01(finding, d, details):
    name, iin = _pupil(finding)
    facts = []
    if details.get("problem"):
        facts.append(str(details["problem"]))
    return Explanation(
        _("The IIN %(iin)s of %(pupil)s is not valid: it fails its check digit, or the birth date it encodes is "
          "impossible or differs from the pupil's birth date.") % {"iin": iin or "—", "pupil": name},
        facts,
        _("Check the IIN against the pupil's identity document and correct the contingent."),
    )


def _p02(finding, d, details):
    name, iin = _pupil(finding)
    return Explanation(
        _("No row of the NOBD snapshot of %(date)s has the IIN %(iin)s of %(pupil)s: the National Education "
          "Database does not know this pupil.") % {"date": _date(d), "iin": iin or "—", "pupil": name},
        [],
        _("Make sure the pupil is registered in NOBD by the school, or correct the IIN in the contingent."),
    )


def _p03(finding, d, details):
    name, iin = _pupil(finding)
    other = _first(details, "other_school_bin", "nobd_school_bin")
    other_name = _first(details, "other_school_name")
    if other:
        summary = _("According to NOBD, on %(date)s %(pupil)s (IIN %(iin)s) studies at another school, BIN %(bin)s%(name)s.") % {
            "date": _date(d), "pupil": name, "iin": iin, "bin": other, "name": f" ({other_name})" if other_name else ""}
    else:
        summary = _("According to NOBD, on %(date)s %(pupil)s (IIN %(iin)s) studies at another school.") % {
            "date": _date(d), "pupil": name, "iin": iin}
    return Explanation(summary, [], _("A pupil can be funded at one school only: remove the pupil from the contingent, "
                                      "or have NOBD corrected if the pupil really studies here."))


def _p04(finding, d, details):
    name, iin = _pupil(finding)
    left = _first(details, "nobd_left_on", "left_on")
    if left:
        summary = _("According to NOBD, %(pupil)s (IIN %(iin)s) left this school on %(left)s, yet the contingent has the "
                    "pupil active on %(date)s.") % {"pupil": name, "iin": iin, "left": _date(left), "date": _date(d)}
    else:
        summary = _("According to NOBD, %(pupil)s (IIN %(iin)s) has left this school, yet the contingent has the pupil "
                    "active on %(date)s.") % {"pupil": name, "iin": iin, "date": _date(d)}
    return Explanation(summary, [], _("Enter the date the pupil left in the contingent; no money is due after it."))


def _p05(finding, d, details):
    name, iin = _pupil(finding)
    schools = details.get("schools") or []
    labels = [item.get("bin", "") + (f" ({item['name']})" if item.get("name") else "") if isinstance(item, dict) else str(item)
              for item in schools]
    count = details.get("school_count") or len(labels) or 2
    summary = ngettext(
        "On %(date)s %(pupil)s (IIN %(iin)s) is active in the contingents of %(count)s school of the portal.",
        "On %(date)s %(pupil)s (IIN %(iin)s) is active in the contingents of %(count)s schools of the portal.",
        count,
    ) % {"date": _date(d), "pupil": name, "iin": iin, "count": count}
    facts = [_("Schools: %(list)s.") % {"list": ", ".join(labels)}] if labels else []
    return Explanation(summary, facts, _("Only one school may claim the pupil: the schools and the department must "
                                         "establish where the pupil studies and correct the contingents."))


def _p06(finding, d, details):
    name, iin = _pupil(finding)
    nobd_grade = details.get("nobd_grade")
    grade = details.get("grade", getattr(getattr(finding, "enrolment", None), "grade", None))
    if nobd_grade is not None:
        summary = _("NOBD has %(pupil)s (IIN %(iin)s) in grade %(nobd)s at this school on %(date)s; the contingent "
                    "says grade %(grade)s.") % {"pupil": name, "iin": iin, "nobd": nobd_grade, "grade": grade, "date": _date(d)}
    else:
        summary = _("The grade of %(pupil)s (IIN %(iin)s) in the contingent differs from the grade in NOBD on %(date)s.") % {
            "pupil": name, "iin": iin, "date": _date(d)}
    return Explanation(summary, [], _("Correct the grade where it is wrong, or explain the difference."))


def _p07(finding, d, details):
    from core.calendar import school_year_start

    name, iin = _pupil(finding)
    enrolment = getattr(finding, "enrolment", None)
    grade = details.get("grade", getattr(enrolment, "grade", None))
    age = details.get("age")
    year_start = school_year_start(d) if d else None
    if age is None and enrolment is not None and year_start is not None:
        birth = enrolment.pupil.birth_date
        age = year_start.year - birth.year - ((year_start.month, year_start.day) < (birth.month, birth.day))
    if grade is not None and age is not None:
        summary = _("On 1 September %(year)s %(pupil)s (IIN %(iin)s) was %(age)s years old, which is impossible for grade "
                    "%(grade)s: the age must be between %(low)s and %(high)s (usually %(usual_low)s–%(usual_high)s).") % {
            "year": year_start.year if year_start else "", "pupil": name, "iin": iin, "age": age, "grade": grade,
            "low": int(grade) + 3, "high": int(grade) + 8, "usual_low": int(grade) + 5, "usual_high": int(grade) + 6}
    else:
        summary = _("The age of %(pupil)s (IIN %(iin)s) is impossible for the grade.") % {"pupil": name, "iin": iin}
    return Explanation(summary, [], _("Check the birth date and the grade; if both are right, explain why."))


# --- schools ------------------------------------------------------------------------------

def _licence_fact(licence: dict, level: str, d) -> str:
    number = licence.get("number", "—")
    levels = licence.get("levels") or []
    status = licence.get("status")
    issued = licence.get("issued_on")
    if status == "suspended":
        return _("Licence %(number)s is suspended.") % {"number": number}
    if status == "revoked":
        return _("Licence %(number)s is revoked.") % {"number": number}
    if d and issued and str(issued)[:10] > d.isoformat():
        return _("Licence %(number)s was issued on %(issued)s, after %(date)s.") % {
            "number": number, "issued": _date(issued), "date": _date(d)}
    if level not in levels:
        return _("Licence %(number)s covers only: %(levels)s.") % {"number": number, "levels": _levels(levels)}
    return _("Licence %(number)s (%(levels)s).") % {"number": number, "levels": _levels(levels)}


def _s01(finding, d, details):
    level = details.get("level") or finding.level
    pupils = details.get("pupils")
    licences = details.get("licences") or []
    if pupils is not None:
        summary = ngettext(
            "On %(date)s %(count)s pupil of the level “%(level)s” is active at the school, but the school holds no "
            "active licence covering this level issued by that date.",
            "On %(date)s %(count)s pupils of the level “%(level)s” are active at the school, but the school holds no "
            "active licence covering this level issued by that date.",
            int(pupils),
        ) % {"date": _date(d), "level": _level(level), "count": pupils}
    else:
        summary = _("On %(date)s the school teaches the level “%(level)s” but holds no active licence covering this level "
                    "issued by that date.") % {"date": _date(d), "level": _level(level)}
    facts = [_licence_fact(licence, level, d) for licence in licences] or [
        _("The licence register has no licence for BIN %(bin)s.") % {"bin": details.get("bin") or finding.school.bin}]
    return Explanation(summary, facts, _("Obtain or renew the licence for this level and have the licence register "
                                         "updated; only licensed levels may be funded."))


def _s02(finding, d, details):
    oked = details.get("oked", finding.school.oked)
    if oked:
        summary = _("The school's activity code (OKED) is %(oked)s, which is not education (section 85).") % {"oked": oked}
    else:
        summary = _("The school has no activity code (OKED); only organisations in section 85 (education) may receive "
                    "the state order.")
    return Explanation(summary, [], _("Have the activity code in the state register of legal entities corrected, "
                                      "then the schools register reloaded."))


def _s03(finding, d, details):
    included = details.get("included_on")
    reason = details.get("reason")
    bin_value = details.get("bin") or finding.school.bin
    if included:
        summary = _("The school (BIN %(bin)s) is on the register of unreliable suppliers since %(date)s.") % {
            "bin": bin_value, "date": _date(included)}
    else:
        summary = _("The school (BIN %(bin)s) is on the register of unreliable suppliers.") % {"bin": bin_value}
    facts = [_("Reason given in the register: %(reason)s") % {"reason": reason}] if reason else []
    entries = details.get("entries") or []
    if len(entries) > 1:
        facts.append(ngettext("The register has %(count)s entry in force for this BIN.",
                              "The register has %(count)s entries in force for this BIN.", len(entries))
                     % {"count": len(entries)})
    return Explanation(summary, facts, _("A supplier on this register may not receive state money; the department "
                                         "decides on the contract."))


def _s04(finding, d, details):
    pupils = details.get("pupils")
    capacity = details.get("capacity", finding.school.capacity)
    if pupils is not None and capacity is not None:
        summary = _("On %(date)s %(pupils)s pupils are active, above the school's capacity of %(capacity)s.") % {
            "date": _date(d), "pupils": pupils, "capacity": capacity}
    else:
        summary = _("On %(date)s the contingent is above the school's capacity.") % {"date": _date(d)}
    return Explanation(summary, [], _("Explain how the pupils are taught safely, or bring the contingent within capacity."))


def _s05(finding, d, details):
    level = details.get("level") or finding.level
    pupils = details.get("pupils")
    places = _first(details, "places", "contracted_places")
    if pupils is not None and places is not None:
        summary = _("On %(date)s %(pupils)s pupils of %(level)s are active, above the %(places)s places contracted.") % {
            "date": _date(d), "pupils": pupils, "level": _level(level), "places": places}
    else:
        summary = _("On %(date)s the contingent of %(level)s is above the contracted places.") % {
            "date": _date(d), "level": _level(level)}
    return Explanation(summary, [], _("Only the contracted places are paid; agree an amendment with the department or "
                                      "correct the contingent."))


EXPLAINERS = {
    FindingCode.P01: _p01, FindingCode.P02: _p02, FindingCode.P03: _p03, FindingCode.P04: _p04,
    FindingCode.P05: _p05, FindingCode.P06: _p06, FindingCode.P07: _p07, FindingCode.S01: _s01,
    FindingCode.S02: _s02, FindingCode.S03: _s03, FindingCode.S04: _s04, FindingCode.S05: _s05,
}


def explain(finding) -> Explanation:
    """The finding in plain words, in the active language."""
    builder = EXPLAINERS.get(finding.code)
    details = finding.details if isinstance(finding.details, dict) else {}
    if builder is None:
        return Explanation(finding.get_code_display(), consequence=_consequence(finding))
    result = builder(finding, _check_date(finding), details)
    return Explanation(result.summary, result.facts, result.advice, _consequence(finding))
