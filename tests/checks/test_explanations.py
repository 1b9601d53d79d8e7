"""Every code explained from what the real engine produced, in Kazakh, Russian and English.

The data is planted, the real engine runs (``check_run_now``), and the explanations read the
findings it stored: the facts a school needs (the other school's BIN and name for P03 and P05,
NOBD's grade for P06, the reason for P01, the leaving date for P04) must be in the words.
"""

import dataclasses
import re

import pytest
from django.utils import formats, translation
from django.utils.translation import gettext

from checks.choices import FindingCode, FindingStatus
from checks.explanations import explain, finding_details
from checks.models import Finding
from checks.rules import all_rules, rule_for
from checks.rules.details import parse_details, schema_fields
from tests.checks.factories import NOBD_LEFT_ON, RNU_INCLUDED_ON, plant_every_code
from tests.schools.factories import make_finding

LANGUAGES = ("kk", "ru", "en")


@pytest.fixture
def planted(school_a, region_astana, tmp_path):
    return plant_every_code(tmp_path, home=school_a, region=region_astana)


def finding(planted, code, key=None):
    enrolment = planted.enrolments.get(key or code)
    found = Finding.objects.filter(code=code, status=FindingStatus.OPEN, last_run=planted.run)
    found = found.filter(enrolment=enrolment) if enrolment is not None else found.filter(school=planted.home)
    return found.select_related("enrolment__pupil", "school", "last_run").order_by("level").first()


def words(item, lang: str) -> str:
    with translation.override(lang):
        result = explain(item)
    return " ".join([result.summary, *result.facts, result.advice, result.consequence])


def date_in(lang: str, value) -> str:
    with translation.override(lang):
        return formats.date_format(value, "SHORT_DATE_FORMAT")


def translated(lang: str, text: str) -> str:
    with translation.override(lang):
        return gettext(text)


@pytest.mark.django_db
class ExplanationOfWhatTheEngineFoundTests:
    def test_the_run_found_every_code(self, planted):
        assert all(planted.run.counts[code] >= 1 for code in FindingCode.values), planted.run.counts

    @pytest.mark.parametrize("code", FindingCode.values)
    def test_each_code_reads_in_three_different_languages(self, planted, code):
        item = Finding.objects.filter(code=code, last_run=planted.run).first()
        texts = {lang: words(item, lang) for lang in LANGUAGES}
        assert len(set(texts.values())) == 3, texts
        with translation.override("en"):
            result = explain(item)
        assert result.summary and result.advice and result.consequence

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_p03_names_the_other_portal_school_by_bin_and_name(self, planted, lang):
        text = words(finding(planted, "P03"), lang)
        name = planted.rival.name_kk if lang == "kk" else planted.rival.name_ru
        assert planted.rival.bin in text and name in text

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_p03_says_when_the_other_school_is_not_registered_in_the_portal(self, planted, lang):
        text = words(finding(planted, "P03", "P03-state"), lang)
        phrase = translated(lang, "a school not registered in the portal (BIN %(bin)s)") % {"bin": planted.state_bin}
        assert phrase in text
        if lang != "en":
            assert "not registered" not in text  # really translated

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_p05_names_the_other_school_on_both_sides(self, planted, lang):
        home_side = words(finding(planted, "P05"), lang)
        rival_side = words(finding(planted, "P05", "P05-rival"), lang)
        rival_name = planted.rival.name_kk if lang == "kk" else planted.rival.name_ru
        assert planted.rival.bin in home_side and rival_name in home_side
        assert planted.home.bin in rival_side and planted.home.name in rival_side
        assert planted.home.bin not in home_side

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_p06_gives_the_nobd_grade_and_the_contingent_grade(self, planted, lang):
        item = finding(planted, "P06")
        assert item.details["nobd_grades"] == [6] and item.details["grade"] == 5
        with translation.override(lang):
            summary = explain(item).summary
        assert re.search(r"(?<!\d)6(?!\d)", summary) and re.search(r"(?<!\d)5(?!\d)", summary)

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_p01_gives_the_reason_in_words_with_both_dates(self, planted, lang):
        item = finding(planted, "P01")
        pupil = item.enrolment.pupil
        assert item.details["reason"] == "birth_date_differs"
        text = words(item, lang)
        encoded = finding_details(item).iin_birth_date
        assert pupil.iin in text and date_in(lang, encoded) in text and date_in(lang, pupil.birth_date) in text

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_p04_gives_the_leaving_date(self, planted, lang):
        assert date_in(lang, NOBD_LEFT_ON) in words(finding(planted, "P04"), lang)

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_p07_gives_the_age_on_1_september_and_the_allowed_range(self, planted, lang):
        item = finding(planted, "P07")
        assert (item.details["age"], item.details["min_age"], item.details["max_age"]) == (13, 4, 9)
        text = words(item, lang)
        assert "2025" in text and "13" in text and "4" in text and "9" in text

    def test_s01_explains_why_each_licence_does_not_count(self, planted):
        with translation.override("en"):
            result = explain(finding(planted, "S01"))
        assert "1 pupil of the level “Basic secondary (grades 5–9)” is active" in result.summary
        assert result.facts == ["Licence L-1 covers only: Primary (grades 0–4).", "Licence L-2 is suspended."]

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_s02_s03_s04_s05_give_their_facts(self, planted, lang):
        s02 = words(Finding.objects.get(code="S02", school=planted.shop), lang)
        assert "47.11" in s02
        s03 = words(finding(planted, "S03"), lang)
        assert planted.home.bin in s03 and date_in(lang, RNU_INCLUDED_ON) in s03 and "Сот шешімі" in s03
        s04 = words(finding(planted, "S04"), lang)
        assert "8" in s04 and "5" in s04
        s05 = Finding.objects.get(code="S05", school=planted.home, level="primary")
        assert (s05.details["pupils"], s05.details["places"]) == (7, 1)
        assert "7" in words(s05, lang) and "1" in words(s05, lang)


@pytest.mark.django_db
class DetailsSchemaTests:
    """What the SQL writes, what the schema declares and what the explanation reads are the same keys."""

    def test_every_finding_the_engine_wrote_fits_its_rule_schema_exactly(self, planted):
        for item in Finding.objects.filter(last_run=planted.run):
            rule = rule_for(item.code)
            parsed = parse_details(rule.details, item.details)  # raises on a missing, undeclared or mistyped key
            assert set(item.details) == set(schema_fields(rule.details)) == {f.name for f in dataclasses.fields(parsed)}

    def test_explanations_read_the_details_only_through_their_schema(self, planted):
        """An explanation reading ``finding.details`` directly, or a key its schema does not declare, fails here."""

        class Untouchable(dict):
            def __getitem__(self, key):
                raise AssertionError(f"read details[{key!r}] around the schema")

            get = __getitem__

        for item in Finding.objects.filter(last_run=planted.run).select_related("enrolment__pupil", "school", "last_run"):
            rule = rule_for(item.code)
            parsed = parse_details(rule.details, item.details)
            item.details = Untouchable()
            for lang in LANGUAGES:
                with translation.override(lang):
                    assert rule.explain(item, item.last_run.check_date, parsed).summary

    def test_every_registered_rule_has_a_schema_and_an_explanation(self):
        assert [rule.code for rule in all_rules()] == FindingCode.values
        assert all(schema_fields(rule.details) and callable(rule.explain) for rule in all_rules())

    def test_details_of_an_older_rule_version_give_a_general_sentence_not_an_error(self, school_a):
        for code in FindingCode.values:
            item = make_finding(school_a, code=code, details={"nobd_rows": [{"school_bin": "1"}]}, legacy=True,
                                level="basic" if code in ("S01", "S05") else "")
            assert finding_details(item) is None
            with translation.override("ru"):
                assert explain(item).summary
            item.delete()
