"""D01–D03, C01, G01 (the other instruments' rules) on planted cases, one on each side of every boundary.

D = 20.11.2025 (``tests.contingent.factories.D``). Each rule runs while an active programme lists it.
"""

import datetime as dt

import pytest
from django.core.management import call_command

from checks.choices import FindingStatus
from checks.models import Finding
from checks.services import check_run_now
from tests.contingent.factories import D, load_snapshot
from tests.factories import make_school
from tests.programmes.factories import make_beneficiary, make_programme_contract, programme_of

BEFORE_D, AFTER_D = D - dt.timedelta(days=1), D + dt.timedelta(days=1)


def subjects(code: str) -> set[str]:
    return set(Finding.objects.filter(code=code, status=FindingStatus.OPEN).values_list("subject_key", flat=True))


def nobd(person, school_bin: str, *, enrolled_on=dt.date(2025, 9, 1), left_on=None) -> dict:
    return {"iin": person.iin, "last_name": person.last_name, "first_name": person.first_name, "middle_name": "",
            "birth_date": person.birth_date.isoformat(), "school_bin": school_bin, "grade": "1",
            "enrolled_on": enrolled_on.isoformat(), "left_on": left_on.isoformat() if left_on else ""}


@pytest.fixture
def dorms(region_astana):
    programme = programme_of("dormitory_place")
    first, second, unfunded = (make_school(region=region_astana, name=name, kind="dormitory", oked="55.90")
                               for name in ("Dorm 1", "Dorm 2", "Dorm 3"))
    make_programme_contract(programme=programme, school=first, places={"place": 2})
    make_programme_contract(programme=programme, school=second, places={"place": 2})
    return first, second, unfunded


@pytest.mark.django_db
class D01Tests:
    def test_a_resident_with_no_nobd_row_active_on_d_is_found(self, dorms, region_astana, tmp_path):
        dorm = dorms[0]
        college = make_school(region=region_astana, name="College", kind="college")
        nowhere = make_beneficiary(school=dorm, kind="resident")
        studying = make_beneficiary(school=dorm, kind="resident")
        left_studies = make_beneficiary(school=dorm, kind="resident")
        studies_until_d = make_beneficiary(school=dorm, kind="resident")
        moved_out = make_beneficiary(school=dorm, kind="resident", left_on=BEFORE_D)  # not a resident on D
        rows = [nobd(studying.pupil, college.bin), nobd(left_studies.pupil, college.bin, left_on=BEFORE_D),
                nobd(studies_until_d.pupil, college.bin, left_on=D)]
        run = check_run_now(snapshot=load_snapshot(tmp_path, rows))
        assert subjects("D01") == {f"enrolment:{nowhere.pk}", f"enrolment:{left_studies.pk}"}
        assert run.counts["D01"] == 2 and moved_out.pk not in {f.enrolment_id for f in Finding.objects.filter(code="D01")}
        assert Finding.objects.get(code="D01", enrolment=left_studies).details == {"iin": left_studies.pupil.iin,
                                                                                   "nobd_rows": 1}

    def test_pupils_are_never_judged_as_residents(self, dorms, school_a, tmp_path):
        from tests.contingent.factories import make_enrolment

        make_enrolment(school=school_a)  # no NOBD row: a P02, never a D01
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("D01") == set() and subjects("P02") != set()

    def test_no_active_programme_running_d01_means_no_d01(self, dorms, tmp_path):
        from programmes.models import Programme

        make_beneficiary(school=dorms[0], kind="resident")
        Programme.objects.filter(instrument="dormitory_place").update(status="closed")
        run = check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("D01") == set() and run.counts["D01"] == 0


@pytest.mark.django_db
class D02Tests:
    def test_a_resident_of_two_funded_dormitories_on_d_is_found_at_both(self, dorms, tmp_path):
        first, second, unfunded = dorms
        twice = make_beneficiary(school=first, kind="resident")
        twice_other = make_beneficiary(school=second, kind="resident", pupil=twice.pupil)
        with_unfunded = make_beneficiary(school=first, kind="resident")
        make_beneficiary(school=unfunded, kind="resident", pupil=with_unfunded.pupil)  # no contract: not funded
        moved = make_beneficiary(school=first, kind="resident", left_on=BEFORE_D)
        make_beneficiary(school=second, kind="resident", pupil=moved.pupil, enrolled_on=D)  # one after the other
        run = check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("D02") == {f"enrolment:{twice.pk}", f"enrolment:{twice_other.pk}"} and run.counts["D02"] == 2
        details = Finding.objects.get(code="D02", enrolment=twice).details
        assert [item["bin"] for item in details["other_dormitories"]] == [second.bin]

    def test_a_dormitory_whose_contract_ended_before_d_is_not_funded(self, region_astana, tmp_path):
        programme = programme_of("dormitory_place")
        current, ended = (make_school(region=region_astana, name=name, kind="dormitory") for name in ("Now", "Ended"))
        make_programme_contract(programme=programme, school=current, places={"place": 5})
        make_programme_contract(programme=programme, school=ended, places={"place": 5}, end=BEFORE_D)
        resident = make_beneficiary(school=current, kind="resident")
        make_beneficiary(school=ended, kind="resident", pupil=resident.pupil)
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("D02") == set()


@pytest.mark.django_db
class D03Tests:
    def test_residents_above_the_contracted_places_are_found_once_per_dormitory(self, dorms, region_astana, tmp_path):
        over, exact, _unfunded = dorms
        for _ in range(3):
            make_beneficiary(school=over, kind="resident")  # 3 > 2
        for _ in range(2):
            make_beneficiary(school=exact, kind="resident")  # 2 = 2
        make_beneficiary(school=exact, kind="resident", left_on=BEFORE_D)  # gone before D
        make_beneficiary(school=exact, kind="resident", enrolled_on=AFTER_D)  # comes after D
        two_contracts = make_school(region=region_astana, name="Two contracts", kind="dormitory")
        programme = programme_of("dormitory_place")
        make_programme_contract(programme=programme, school=two_contracts, places={"place": 1})
        make_programme_contract(programme=programme, school=two_contracts, places={"place": 1})
        for _ in range(2):
            make_beneficiary(school=two_contracts, kind="resident")  # 2 = 1 + 1
        run = check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("D03") == {f"school:{over.pk}:place"} and run.counts["D03"] == 1
        finding = Finding.objects.get(code="D03")
        assert finding.level == "place" and finding.details["residents"] == 3 and finding.details["places"] == 2

    def test_a_state_order_contract_gives_no_dormitory_places(self, region_astana, tmp_path):
        from tests.contingent.factories import make_contract

        programme_of("dormitory_place")
        dorm = make_school(region=region_astana, name="Only SPC", kind="dormitory")
        make_contract(school=dorm, places={"primary": 10})
        make_beneficiary(school=dorm, kind="resident")
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("D03") == set() and subjects("S05") == set()


@pytest.mark.django_db
class C01Tests:
    def test_a_holder_not_studying_at_that_college_on_d_is_found(self, region_astana, tmp_path):
        programme_of("scholarship")
        college = make_school(region=region_astana, name="College", kind="college")
        other = make_school(region=region_astana, name="Other college", kind="college")
        here = make_beneficiary(school=college, kind="scholarship_holder")
        elsewhere = make_beneficiary(school=college, kind="scholarship_holder", category="increased")
        left = make_beneficiary(school=college, kind="scholarship_holder", category="social")
        until_d = make_beneficiary(school=college, kind="scholarship_holder")
        later = make_beneficiary(school=college, kind="scholarship_holder", enrolled_on=AFTER_D)  # not a holder on D
        rows = [nobd(here.pupil, college.bin), nobd(elsewhere.pupil, other.bin), nobd(left.pupil, college.bin, left_on=BEFORE_D),
                nobd(until_d.pupil, college.bin, left_on=D)]
        run = check_run_now(snapshot=load_snapshot(tmp_path, rows))
        assert subjects("C01") == {f"enrolment:{elsewhere.pk}", f"enrolment:{left.pk}"} and run.counts["C01"] == 2
        assert Finding.objects.get(code="C01", enrolment=elsewhere).details == {"iin": elsewhere.pupil.iin,
                                                                                "studies_at": [other.bin]}
        assert later.pk not in set(Finding.objects.filter(code="C01").values_list("enrolment_id", flat=True))


@pytest.mark.django_db
class G01Tests:
    AUTUMN = ("Autumn", dt.date(2025, 9, 1), dt.date(2025, 12, 31))
    SPRING = ("Spring", dt.date(2026, 1, 1), dt.date(2026, 5, 31))

    def test_the_same_iin_holding_grants_at_two_providers_in_the_term_containing_d_is_found(self, region_astana, tmp_path):
        programme_of("grant", terms=[self.AUTUMN, self.SPRING])
        first, second = (make_school(region=region_astana, name=name, kind="university") for name in ("U1", "U2"))
        both = make_beneficiary(school=first, kind="grant_holder")
        both_other = make_beneficiary(school=second, kind="grant_holder", pupil=both.pupil, specialty_group="B057")
        moved = make_beneficiary(school=first, kind="grant_holder", left_on=dt.date(2025, 10, 1))
        moved_to = make_beneficiary(school=second, kind="grant_holder", pupil=moved.pupil, enrolled_on=dt.date(2025, 10, 2))
        spring = make_beneficiary(school=first, kind="grant_holder")
        make_beneficiary(school=second, kind="grant_holder", pupil=spring.pupil, enrolled_on=dt.date(2026, 1, 1))
        summer = make_beneficiary(school=first, kind="grant_holder")
        make_beneficiary(school=second, kind="grant_holder", pupil=summer.pupil, enrolled_on=dt.date(2025, 6, 1),
                         left_on=dt.date(2025, 8, 31))  # the term before the autumn one
        run = check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("G01") == {f"enrolment:{e.pk}" for e in (both, both_other, moved, moved_to)}
        assert run.counts["G01"] == 4
        details = Finding.objects.get(code="G01", enrolment=both).details
        assert (details["term_start"], details["term_end"]) == ("2025-09-01", "2025-12-31")
        assert [item["bin"] for item in details["other_providers"]] == [second.bin]

    def test_without_a_term_containing_d_nothing_is_found(self, region_astana, tmp_path):
        programme_of("grant", terms=[self.SPRING])
        first, second = (make_school(region=region_astana, name=name, kind="university") for name in ("U1", "U2"))
        holder = make_beneficiary(school=first, kind="grant_holder")
        make_beneficiary(school=second, kind="grant_holder", pupil=holder.pupil)
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert subjects("G01") == set()


@pytest.mark.django_db
class ProgrammeFindingsBlockPaymentTests:
    def test_a_resident_finding_blocks_that_line_and_an_occupancy_finding_every_place_line_of_the_dormitory(
            self, region_astana, tmp_path):
        from acts.selectors import act_lines
        from acts.services import act_build
        from tests.factories import make_user

        programme = programme_of("dormitory_place")
        over, exact = (make_school(region=region_astana, name=name, kind="dormitory", oked="55.90") for name in ("Over", "Exact"))
        college = make_school(region=region_astana, name="College", kind="college")
        contracts = {dorm: make_programme_contract(programme=programme, school=dorm, places={"place": 2})
                     for dorm in (over, exact)}
        crowded = [make_beneficiary(school=over, kind="resident") for _ in range(3)]  # 3 > 2 places: D03
        studying, not_studying = (make_beneficiary(school=exact, kind="resident") for _ in range(2))  # D01 on one
        load = load_snapshot(tmp_path, [nobd(e.pupil, college.bin) for e in (*crowded, studying)])
        check_run_now(snapshot=load)
        assert subjects("D03") == {f"school:{over.pk}:place"} and subjects("D01") == {f"enrolment:{not_studying.pk}"}

        blocked = {}
        for dorm, contract in contracts.items():
            act = act_build(contract=contract, month=dt.date(2025, 11, 1), actor=make_user(f"u{dorm.pk}", role="school",
                                                                                             school=dorm),
                            today=dt.date(2025, 12, 1))
            blocked[dorm] = {line.enrolment_id: line.blocked for line in act_lines(act=act)}
        assert blocked[over] == {e.pk: True for e in crowded}
        assert blocked[exact] == {studying.pk: False, not_studying.pk: True}


@pytest.mark.django_db
class RunChecksCommandTests:
    def test_the_extension_codes_are_printed_after_the_twelve_contract_codes_zeros_included(self, school_a, tmp_path,
                                                                                           capsys):
        load_snapshot(tmp_path, [])
        call_command("run_checks")
        codes = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
        assert codes == ["P01", "P02", "P03", "P04", "P05", "P06", "P07", "S01", "S02", "S03", "S04", "S05",
                         "D01", "D02", "D03", "C01", "G01"]

