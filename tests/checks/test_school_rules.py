"""S01–S03 exactly as CONTRACT defines them, on the real rules and the real engine."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from checks.choices import FindingStatus
from checks.engine import check_run_execute
from checks.models import Finding
from checks.services import check_run_create
from tests.factories import make_school, next_bin
from tests.schools.factories import make_enrolment, make_licence, make_rnu

D = dt.date(2025, 11, 1)


def run_on(day=D):
    return check_run_execute(run=check_run_create(trigger="command", check_date=day))


def open_findings(code, school=None):
    queryset = Finding.objects.filter(code=code, status=FindingStatus.OPEN)
    if school is not None:
        queryset = queryset.filter(school=school)
    return queryset


@pytest.mark.django_db
class LicenceRuleS01Tests:
    def test_a_level_taught_under_an_active_licence_issued_before_d_is_fine(self, school_a):
        make_enrolment(school_a, grade=3)
        make_licence(school_a, issued_on=dt.date(2020, 1, 1), levels=["primary"])
        run = run_on()
        assert run.counts["S01"] == 0

    def test_a_licence_issued_on_d_counts_and_one_issued_after_d_does_not(self, school_a, school_b):
        make_enrolment(school_a, grade=3)
        make_licence(school_a, issued_on=D, levels=["primary"])
        make_enrolment(school_b, grade=3)
        make_licence(school_b, issued_on=D + dt.timedelta(days=1), levels=["primary"])
        run_on()
        assert not open_findings("S01", school_a).exists()
        finding = open_findings("S01", school_b).get()
        assert (finding.level, finding.subject_key) == ("primary", f"school:{school_b.pk}:primary")
        assert finding.details["licences"][0]["issued_on"] == (D + dt.timedelta(days=1)).isoformat()

    @pytest.mark.parametrize("status", ["suspended", "revoked"])
    def test_a_suspended_or_revoked_licence_does_not_cover(self, school_a, status):
        make_enrolment(school_a, grade=6)
        make_licence(school_a, levels=["primary", "basic", "general"], status=status)
        run_on()
        finding = open_findings("S01", school_a).get()
        assert finding.level == "basic" and finding.details["licences"][0]["status"] == status

    def test_one_finding_per_level_not_covered_with_the_number_of_pupils(self, school_a):
        for grade in (0, 4, 5, 9, 10, 11, 11):
            make_enrolment(school_a, grade=grade)
        make_licence(school_a, levels=["basic"])
        run = run_on()
        findings = {f.level: f for f in open_findings("S01", school_a)}
        assert set(findings) == {"primary", "general"}
        assert findings["primary"].details["pupils"] == 2 and findings["general"].details["pupils"] == 3
        assert findings["general"].severity == "error" and run.counts["S01"] == 2
        assert findings["primary"].details["bin"] == school_a.bin and findings["primary"].details["check_date"] == D.isoformat()

    def test_a_school_with_no_pupils_has_no_s01_even_without_a_licence(self, school_a):
        run = run_on()
        assert run.counts["S01"] == 0

    def test_only_pupils_active_on_d_make_a_level_taught(self, school_a, school_b, region_astana):
        make_enrolment(school_a, grade=3, enrolled_on=dt.date(2024, 9, 1), left_on=D - dt.timedelta(days=1))  # left before D
        make_enrolment(school_a, grade=7, enrolled_on=D + dt.timedelta(days=1))  # not yet enrolled
        make_enrolment(school_b, grade=3, enrolled_on=dt.date(2024, 9, 1), left_on=D)  # leaves on D: still active
        run_on()
        assert not open_findings("S01", school_a).exists()
        assert open_findings("S01", school_b).get().level == "primary"

    def test_a_licence_of_another_bin_does_not_count(self, school_a):
        make_enrolment(school_a, grade=3)
        make_licence(bin=next_bin(), levels=["primary"])
        run_on()
        assert open_findings("S01", school_a).get().details["licences"] == []

    def test_a_new_licence_closes_the_finding_on_the_next_run(self, school_a):
        make_enrolment(school_a, grade=3)
        run_on()
        finding = open_findings("S01", school_a).get()
        make_licence(school_a, levels=["primary"])
        second = run_on()
        finding.refresh_from_db()
        assert finding.status == FindingStatus.RESOLVED and finding.closed_by_run == second


@pytest.mark.django_db
class ActivityCodeRuleS02Tests:
    @pytest.mark.parametrize("oked, found", [("85.31", False), ("85.20", False), ("85", False), ("85310", False),
                                             ("86.10", True), ("", True), ("58.11", True)])
    def test_only_section_85_is_education(self, region_astana, oked, found):
        school = make_school(region=region_astana, oked=oked)
        run_on()
        assert open_findings("S02", school).exists() is found
        if found:
            assert open_findings("S02", school).get().details == {"bin": school.bin, "oked": oked}

    def test_every_school_is_checked_whatever_its_status(self, region_astana):
        school = make_school(region=region_astana, oked="86.10", status="closed")
        run_on()
        assert open_findings("S02", school).exists()


@pytest.mark.django_db
class UnreliableSupplierRuleS03Tests:
    def test_an_entry_included_on_or_before_d_is_found_with_its_reason_and_date(self, school_a, school_b):
        make_rnu(bin=school_a.bin, included_on=D, reason="court decision 12/2025")
        make_rnu(bin=school_b.bin, included_on=D - dt.timedelta(days=400), reason="old")
        run = run_on()
        finding = open_findings("S03", school_a).get()
        assert finding.details["included_on"] == D.isoformat() and finding.details["reason"] == "court decision 12/2025"
        assert open_findings("S03", school_b).exists() and run.counts["S03"] == 2

    def test_an_entry_included_after_d_is_not_found(self, school_a):
        make_rnu(bin=school_a.bin, included_on=D + dt.timedelta(days=1))
        assert run_on().counts["S03"] == 0

    def test_an_entry_excluded_by_d_no_longer_counts(self, school_a, school_b):
        make_rnu(bin=school_a.bin, included_on=dt.date(2023, 1, 1), excluded_on=D)
        make_rnu(bin=school_b.bin, included_on=dt.date(2023, 1, 1), excluded_on=D + dt.timedelta(days=1))
        run_on()
        assert not open_findings("S03", school_a).exists()
        assert open_findings("S03", school_b).exists()

    def test_a_bin_outside_the_portal_produces_no_finding(self, school_a):
        make_rnu(bin=next_bin(), included_on=dt.date(2023, 1, 1))
        assert run_on().counts["S03"] == 0

    def test_two_entries_give_one_finding_naming_the_latest(self, school_a):
        make_rnu(bin=school_a.bin, included_on=dt.date(2023, 1, 1), reason="first")
        make_rnu(bin=school_a.bin, included_on=dt.date(2024, 6, 1), reason="second")
        run_on()
        finding = open_findings("S03", school_a).get()
        assert finding.details["reason"] == "second" and len(finding.details["entries"]) == 2


@pytest.mark.django_db
class SchoolRulesRerunTests:
    def test_running_twice_gives_the_same_findings_never_duplicates(self, school_a, school_b, region_astana):
        make_enrolment(school_a, grade=10)
        make_rnu(bin=school_b.bin, included_on=dt.date(2024, 1, 1))
        make_school(region=region_astana, oked="")
        first = run_on()
        before = sorted(Finding.objects.values_list("id", "code", "subject_key", "status"))
        second = run_on()
        assert sorted(Finding.objects.values_list("id", "code", "subject_key", "status")) == before
        assert {k: first.counts[k] for k in ("S01", "S02", "S03")} == {k: second.counts[k] for k in ("S01", "S02", "S03")} \
            == {"S01": 1, "S02": 1, "S03": 1}

    def test_a_run_records_the_register_loads_and_rule_versions_it_read(self, school_a, tmp_path):
        from tests.schools.factories import csv_file

        path = csv_file(f"bin,included_on,reason\n{school_a.bin},2024-01-01,r\n", tmp_path)
        call_command("import_registry", "rnu", str(path), stdout=io.StringIO())
        run = run_on()
        assert run.rule_versions["S01"] == run.rule_versions["S02"] == run.rule_versions["S03"] == "1"
        assert run.inputs["register_loads"]["rnu"]["rows"] == 1 and run.inputs["unreliable_supplier_entries"] == 1

    def test_run_checks_prints_the_school_counts(self, school_a, region_astana):
        make_school(region=region_astana, oked="86.10")
        make_rnu(bin=school_a.bin, included_on=dt.date(2020, 1, 1))
        out = io.StringIO()
        call_command("run_checks", stdout=out, stderr=io.StringIO())
        counts = dict(line.split() for line in out.getvalue().strip().splitlines())
        assert (counts["S01"], counts["S02"], counts["S03"]) == ("0", "1", "1")
