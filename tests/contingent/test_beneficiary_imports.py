"""Beneficiary lists of the other instruments load like the contingent: the instrument's columns,
all or nothing, every problem with its line number (``import_contingent --kind``)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from contingent.models import Enrolment
from core.errors import DomainError
from tests.factories import make_school
from tests.programmes.factories import beneficiaries_csv, load_beneficiaries, person


def write(tmp_path, kind, rows, name="list.csv"):
    path = tmp_path / name
    path.write_bytes(beneficiaries_csv(kind, rows))
    return path


@pytest.fixture
def college(region_astana):
    return make_school(region=region_astana, name="College", kind="college")


@pytest.fixture
def dormitory(region_astana):
    return make_school(region=region_astana, name="Dormitory", kind="dormitory", oked="55.90")


@pytest.mark.django_db
class BeneficiaryImportTests:
    def test_a_dormitory_loads_its_residents_without_grades(self, tmp_path, dormitory, capsys):
        path = write(tmp_path, "resident", [person(1), person(2, left_on=dt.date(2025, 12, 20))])
        call_command("import_contingent", str(path), "--school", dormitory.bin, "--kind", "resident")
        assert "rows 2 schools 1" in capsys.readouterr().out
        assert {(e.kind, e.grade, e.category) for e in Enrolment.objects.filter(school=dormitory)} == {("resident", None, "regular")}

    def test_scholarship_holders_take_the_three_stipend_categories_and_nothing_else(self, tmp_path, college, capsys):
        rows = [person(1, category="increased"), person(2, category="sen"), person(3, category="social")]
        with pytest.raises(CommandError):
            call_command("import_contingent", str(write(tmp_path, "scholarship_holder", rows)), "--school", college.bin,
                         "--kind", "scholarship_holder")
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "3" in err and "category" in err
        assert not Enrolment.objects.exists()  # all or nothing
        with pytest.raises(DomainError) as refused:
            load_beneficiaries(school=college, kind="scholarship_holder", rows=rows)
        assert [(error.line, error.column) for error in refused.value.errors] == [(3, "category")]

    def test_grant_holders_need_a_specialty_group(self, college):
        rows = [person(1, specialty_group="B057"), person(2, specialty_group=""), person(3, specialty_group="bad group")]
        with pytest.raises(DomainError) as refused:
            load_beneficiaries(school=college, kind="grant_holder", rows=rows)
        assert [(error.line, error.column) for error in refused.value.errors] == [(3, "specialty_group"),
                                                                                  (4, "specialty_group")]
        load_beneficiaries(school=college, kind="grant_holder", rows=rows[:1])
        assert Enrolment.objects.get().specialty_group == "B057"

    def test_a_provider_lists_only_the_kinds_of_its_instruments(self, school_a, dormitory):
        with pytest.raises(DomainError) as refused:
            load_beneficiaries(school=school_a, kind="resident", rows=[person(1)])
        assert refused.value.code == "kind_not_listed"
        with pytest.raises(DomainError):
            load_beneficiaries(school=dormitory, kind="scholarship_holder", rows=[person(1, category="regular")])

    def test_one_person_may_be_a_scholarship_and_a_grant_holder_at_once_but_never_twice_the_same(self, college):
        both = person(1, category="regular", specialty_group="B001")
        load_beneficiaries(school=college, kind="scholarship_holder", rows=[both])
        load_beneficiaries(school=college, kind="grant_holder", rows=[both])
        assert sorted(Enrolment.objects.values_list("kind", flat=True)) == ["grant_holder", "scholarship_holder"]
        overlapping = dict(both, enrolled_on="2025-10-01")
        with pytest.raises(DomainError) as refused:
            load_beneficiaries(school=college, kind="grant_holder", rows=[overlapping])
        assert [(error.line, error.column) for error in refused.value.errors] == [(2, "enrolled_on")]

    def test_the_pupils_file_keeps_the_contract_columns(self, tmp_path, dormitory):
        from contingent.validation import CONTINGENT_COLUMNS, file_columns

        assert file_columns("pupil") == CONTINGENT_COLUMNS
        assert file_columns("resident") == ["iin", "last_name", "first_name", "middle_name", "birth_date", "enrolled_on",
                                            "left_on"]
        assert file_columns("scholarship_holder")[-1] == "category" and file_columns("grant_holder")[-1] == "specialty_group"
