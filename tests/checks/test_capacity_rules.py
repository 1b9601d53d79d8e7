"""S04 (above capacity) and S05 (above the contracted places of a level), on planted cases."""

import datetime as dt

import pytest

from checks.choices import FindingStatus
from checks.models import Finding
from checks.services import check_run_now
from tests.contingent.factories import D, load_snapshot, make_contract, make_enrolment
from tests.factories import make_school


def subjects(code: str) -> set[str]:
    return set(Finding.objects.filter(code=code, status=FindingStatus.OPEN).values_list("subject_key", flat=True))


def enrol(school, grade: int, count: int, **kwargs):
    return [make_enrolment(school=school, grade=grade, **kwargs) for _ in range(count)]


@pytest.mark.django_db
class S04Tests:
    def test_pupils_active_on_d_above_capacity_are_found_once_per_school(self, region_astana, tmp_path):
        full = make_school(region=region_astana, name="Full", capacity=3)
        enrol(full, 1, 4)
        exact = make_school(region=region_astana, name="Exact", capacity=3)
        enrol(exact, 1, 3)
        enrol(exact, 1, 2, left_on=D - dt.timedelta(days=1))  # left before D: not counted
        enrol(exact, 1, 2, enrolled_on=D + dt.timedelta(days=1))  # enrol after D: not counted
        unknown_capacity = make_school(region=region_astana, name="No capacity", capacity=None)
        enrol(unknown_capacity, 1, 5)
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("S04") == {f"school:{full.pk}"}
        finding = Finding.objects.get(code="S04")
        assert finding.details == {"pupils": 4, "capacity": 3} and finding.severity == "warning" and finding.enrolment is None


@pytest.mark.django_db
class S05Tests:
    def test_a_level_above_its_contracted_places_is_found_per_school_and_level(self, region_astana, tmp_path):
        school = make_school(region=region_astana, name="Contracted")
        make_contract(school=school, places={"primary": 2, "basic": 5})
        enrol(school, 2, 3)  # primary: 3 > 2
        enrol(school, 7, 5)  # basic: 5 = 5
        enrol(school, 10, 1)  # general: no places in the contract → 0
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("S05") == {f"school:{school.pk}:primary", f"school:{school.pk}:general"}
        primary = Finding.objects.get(code="S05", level="primary")
        assert primary.details["pupils"] == 3 and primary.details["places"] == 2 and primary.severity == "error"

    def test_places_of_every_active_contract_on_d_add_up(self, region_astana, tmp_path):
        school = make_school(region=region_astana, name="Two contracts")
        make_contract(school=school, places={"primary": 2})
        make_contract(school=school, places={"primary": 2})
        enrol(school, 1, 4)
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("S05") == set()

    def test_only_active_contracts_whose_period_contains_d_count(self, region_astana, tmp_path):
        school = make_school(region=region_astana, name="Mixed contracts")
        make_contract(school=school, places={"primary": 1})
        make_contract(school=school, places={"primary": 10}, status="terminated")
        make_contract(school=school, places={"primary": 10}, start=dt.date(2024, 9, 1), end=dt.date(2025, 5, 31))
        make_contract(school=school, places={"primary": 10}, start=D + dt.timedelta(days=1), end=dt.date(2026, 5, 31))
        enrol(school, 1, 2)
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("S05") == {f"school:{school.pk}:primary"}

    def test_a_school_without_an_active_contract_on_d_is_not_judged(self, region_astana, tmp_path):
        none = make_school(region=region_astana, name="No contract")
        enrol(none, 1, 3)
        expired = make_school(region=region_astana, name="Expired contract")
        make_contract(school=expired, places={"primary": 0}, start=dt.date(2024, 9, 1), end=D - dt.timedelta(days=1))
        enrol(expired, 1, 3)
        draft = make_school(region=region_astana, name="Draft contract")
        make_contract(school=draft, places={"primary": 0}, status="signed_by_school")
        enrol(draft, 1, 3)
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("S05") == set()

    def test_contract_ending_on_d_still_counts(self, region_astana, tmp_path):
        school = make_school(region=region_astana, name="Ends on D")
        make_contract(school=school, places={"basic": 1}, start=dt.date(2025, 9, 1), end=D)
        enrol(school, 6, 2)
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("S05") == {f"school:{school.pk}:basic"}
