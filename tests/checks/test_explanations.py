"""Every one of the twelve codes reads as plain words in Kazakh, Russian and English."""

import datetime as dt

import pytest
from django.utils import translation

from checks.choices import FindingCode
from checks.explanations import explain
from tests.schools.factories import make_enrolment, make_finding, make_run

DETAILS = {
    "P01": {"problem": "check digit"},
    "P02": {},
    "P03": {"other_school_bin": "180340001013", "other_school_name": "Басқа мектеп"},
    "P04": {"nobd_left_on": "2025-10-15"},
    "P05": {"schools": [{"bin": "180340001013", "name": "A"}, "180340001024"]},
    "P06": {"nobd_grade": 4, "grade": 5},
    "P07": {},
    "S01": {"level": "general", "pupils": 3, "licences": [
        {"number": "L-1", "issued_on": "2016-09-01", "levels": ["primary", "basic"], "status": "active"},
        {"number": "L-2", "issued_on": "2021-08-20", "levels": ["general"], "status": "suspended"},
        {"number": "L-3", "issued_on": "2026-01-01", "levels": ["general"], "status": "active"},
        {"number": "L-4", "issued_on": "2020-01-01", "levels": ["general"], "status": "revoked"}]},
    "S02": {"oked": "86.10"},
    "S03": {"included_on": "2025-03-14", "reason": "Сот шешімі", "entries": [{}, {}]},
    "S04": {"pupils": 620, "capacity": 600},
    "S05": {"level": "basic", "pupils": 130, "places": 120},
}


@pytest.fixture
def findings(school_a):
    run = make_run(check_date=dt.date(2025, 11, 1))
    result = {}
    for code in FindingCode.values:
        enrolment = make_enrolment(school_a, grade=5, birth_date=dt.date(2019, 1, 1)) if code.startswith("P") else None
        result[code] = make_finding(school_a, code=code, enrolment=enrolment, level=DETAILS[code].get("level", ""),
                                    details=DETAILS[code], run=run)
    return result


@pytest.mark.django_db
class ExplanationTests:
    @pytest.mark.parametrize("code", FindingCode.values)
    def test_each_code_has_a_summary_and_advice_in_three_different_languages(self, findings, code):
        texts = {}
        for lang in ("kk", "ru", "en"):
            with translation.override(lang):
                result = explain(findings[code])
            assert result.summary and result.advice and result.consequence
            texts[lang] = result.summary + result.advice
        assert len(set(texts.values())) == 3, texts

    def test_s01_explains_why_each_licence_does_not_count(self, findings):
        with translation.override("en"):
            result = explain(findings["S01"])
        assert "3 pupils of the level “General secondary (grades 10–11)” are active" in result.summary
        assert result.facts == [
            "Licence L-1 covers only: Primary (grades 0–4), Basic secondary (grades 5–9).",
            "Licence L-2 is suspended.",
            "Licence L-3 was issued on 2026-01-01, after 2025-11-01.",
            "Licence L-4 is revoked.",
        ]

    def test_s01_without_any_licence_says_so(self, school_a):
        finding = make_finding(school_a, code="S01", level="primary", details={"level": "primary", "pupils": 1, "licences": []})
        with translation.override("ru"):
            result = explain(finding)
        assert "1 учащийся" in result.summary and f"нет ни одной лицензии по БИН {school_a.bin}" in result.facts[0]

    def test_s02_with_an_empty_code_and_s03_with_its_reason(self, findings, school_b):
        empty = make_finding(school_b, code="S02", details={"oked": ""}, run=make_run())
        with translation.override("kk"):
            assert "ЭҚЖЖ" in explain(empty).summary and "жоқ" in explain(empty).summary
            s03 = explain(findings["S03"])
        assert "14.03.2025" in s03.summary and any("Сот шешімі" in fact for fact in s03.facts)

    def test_p07_computes_the_age_on_1_september(self, findings):
        with translation.override("en"):
            summary = explain(findings["P07"]).summary
        assert "On 1 September 2025" in summary and "6 years old" in summary and "grade 5" in summary
        assert "between 8 and 13" in summary

    def test_pupil_findings_name_the_pupil_and_iin(self, findings):
        pupil = findings["P02"].enrolment.pupil
        with translation.override("en"):
            summary = explain(findings["P02"]).summary
        assert str(pupil) in summary and pupil.iin in summary

    def test_missing_details_give_a_general_sentence_not_an_error(self, school_a):
        run = make_run()
        for code in FindingCode.values:
            enrolment = make_enrolment(school_a, grade=2) if code.startswith("P") else None
            finding = make_finding(school_a, code=code, enrolment=enrolment, details={}, run=run,
                                   level="basic" if code in ("S01", "S05") else "")
            with translation.override("ru"):
                assert explain(finding).summary
            finding.delete()

    def test_errors_and_warnings_say_what_they_mean_for_payment(self, findings):
        with translation.override("en"):
            assert "not payable" in explain(findings["S02"]).consequence
            assert "does not stop payment" in explain(findings["S04"]).consequence
