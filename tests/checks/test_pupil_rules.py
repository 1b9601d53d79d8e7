"""The pupil checks P01–P07 on planted cases, including the edges of "active on D".

D = 2025-11-20 (the snapshot's date). Active on D: enrolled_on ≤ D and left_on empty or ≥ D,
in the contingent and in NOBD alike.
"""

import datetime as dt

import pytest

from checks.choices import FindingStatus
from checks.models import Finding
from checks.services import check_run_now
from core.identifiers import check_digit
from tests.contingent.factories import (
    YEAR_START,
    D,
    birth_for_grade,
    load_snapshot,
    make_enrolment,
    make_pupil,
    nobd_row,
    state_bin,
)
from tests.factories import make_school

DAY = dt.timedelta(days=1)


def found(code: str, run=None) -> set[int]:
    findings = Finding.objects.filter(code=code, status=FindingStatus.OPEN)
    if run is not None:
        findings = findings.filter(last_run=run)
    return set(findings.values_list("enrolment_id", flat=True))


def agreeing(enrolment, **changes) -> dict:
    """NOBD's row saying what the contingent says."""
    values = {"school_bin": enrolment.school.bin, "grade": enrolment.grade, "enrolled_on": enrolment.enrolled_on,
              "left_on": enrolment.left_on}
    values.update(changes)
    return nobd_row(enrolment.pupil, **values)


@pytest.fixture
def school(region_astana):
    return make_school(region=region_astana, name="Rules school")


@pytest.fixture
def other_school(region_astana):
    return make_school(region=region_astana, name="Other portal school")


@pytest.mark.django_db
class P01Tests:
    def test_an_iin_that_agrees_with_the_birth_date_is_fine(self, school, tmp_path):
        enrolment = make_enrolment(school=school)
        snapshot = load_snapshot(tmp_path, [agreeing(enrolment)])
        check_run_now(snapshot=snapshot)
        assert found("P01") == set()

    def test_a_birth_date_other_than_the_iins_is_found(self, school, tmp_path):
        enrolment = make_enrolment(school=school)
        snapshot = load_snapshot(tmp_path, [agreeing(enrolment)])
        pupil = enrolment.pupil
        pupil.birth_date += DAY
        pupil.save()
        check_run_now(snapshot=snapshot)
        assert found("P01") == {enrolment.pk}
        finding = Finding.objects.get(code="P01")
        assert finding.details["reason"] == "birth_date_differs" and finding.severity == "error"

    def test_a_wrong_check_digit_an_impossible_date_and_garbage_are_found(self, school, tmp_path):
        good = make_enrolment(school=school)
        wrong_digit = make_enrolment(school=school, pupil=make_pupil())
        wrong_digit.pupil.iin = wrong_digit.pupil.iin[:11] + str((int(wrong_digit.pupil.iin[11]) + 1) % 10)
        wrong_digit.pupil.save()
        body = next(f"1513405{serial:04d}" for serial in range(42, 99) if check_digit(f"1513405{serial:04d}") is not None)
        impossible = make_enrolment(school=school, pupil=make_pupil(iin=body + str(check_digit(body))))  # 13th month
        garbage = make_enrolment(school=school, pupil=make_pupil(iin="12345ABC"))
        snapshot = load_snapshot(tmp_path, [agreeing(good)])
        check_run_now(snapshot=snapshot)
        assert found("P01") == {wrong_digit.pk, impossible.pk, garbage.pk}
        reasons = dict(Finding.objects.filter(code="P01").values_list("enrolment_id", "details__reason"))
        assert reasons[wrong_digit.pk] == "check_digit" and reasons[garbage.pk] == "check_digit"
        assert reasons[impossible.pk] == "impossible_date"

    def test_a_pupil_who_left_before_d_is_not_checked(self, school, tmp_path):
        enrolment = make_enrolment(school=school, left_on=D - DAY)
        enrolment.pupil.birth_date += DAY
        enrolment.pupil.save()
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert found("P01") == set()


@pytest.mark.django_db
class P02Tests:
    def test_a_pupil_nobd_does_not_know_is_found(self, school, tmp_path):
        known = make_enrolment(school=school)
        unknown = make_enrolment(school=school)
        check_run_now(snapshot=load_snapshot(tmp_path, [agreeing(known)]))
        assert found("P02") == {unknown.pk}

    def test_any_nobd_row_with_the_iin_counts_even_an_old_one_elsewhere(self, school, tmp_path):
        enrolment = make_enrolment(school=school)
        old = agreeing(enrolment, school_bin=state_bin(), enrolled_on=dt.date(2019, 9, 1), left_on=dt.date(2020, 5, 31))
        check_run_now(snapshot=load_snapshot(tmp_path, [old]))
        assert found("P02") == set()

    def test_pupils_not_active_on_d_are_not_checked(self, school, tmp_path):
        make_enrolment(school=school, enrolled_on=D + DAY)  # enrols after D
        make_enrolment(school=school, enrolled_on=YEAR_START, left_on=D - DAY)  # left the day before D
        on_d = make_enrolment(school=school, enrolled_on=D)  # enrolled on D: active
        left_on_d = make_enrolment(school=school, enrolled_on=YEAR_START, left_on=D)  # left on D: still active
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert found("P02") == {on_d.pk, left_on_d.pk}

    def test_without_a_snapshot_the_nobd_checks_are_skipped(self, school):
        make_enrolment(school=school)
        run = check_run_now()
        assert run.snapshot is None and found("P02") == set()
        assert run.progress["rules"]["P02"] == {"skipped": "no NOBD snapshot"}


@pytest.mark.django_db
class P03Tests:
    def test_nobd_active_row_at_another_school_is_found(self, school, tmp_path):
        enrolment = make_enrolment(school=school)
        elsewhere = state_bin()
        check_run_now(snapshot=load_snapshot(tmp_path, [agreeing(enrolment, school_bin=elsewhere)]))
        assert found("P03") == {enrolment.pk}
        assert Finding.objects.get(code="P03").details["other_schools"] == [{
            "bin": elsewhere, "name_kk": None, "name_ru": None, "grade": enrolment.grade,
            "enrolled_on": enrolment.enrolled_on.isoformat(), "left_on": None}]

    def test_edges_of_the_other_schools_row(self, school, tmp_path):
        left_on_d = make_enrolment(school=school)
        left_day_before = make_enrolment(school=school)
        starts_after_d = make_enrolment(school=school)
        starts_on_d = make_enrolment(school=school)
        rows = []
        for enrolment in (left_on_d, left_day_before, starts_after_d, starts_on_d):
            rows.append(agreeing(enrolment))  # NOBD also shows each of them here
        other = state_bin()
        rows += [
            agreeing(left_on_d, school_bin=other, enrolled_on=dt.date(2024, 9, 1), left_on=D),
            agreeing(left_day_before, school_bin=other, enrolled_on=dt.date(2024, 9, 1), left_on=D - DAY),
            agreeing(starts_after_d, school_bin=other, enrolled_on=D + DAY),
            agreeing(starts_on_d, school_bin=other, enrolled_on=D),
        ]
        check_run_now(snapshot=load_snapshot(tmp_path, rows))
        assert found("P03") == {left_on_d.pk, starts_on_d.pk}

    def test_a_pupil_who_changed_school_in_the_past_is_fine(self, school, tmp_path):
        enrolment = make_enrolment(school=school, enrolled_on=dt.date(2025, 1, 10))
        rows = [agreeing(enrolment, school_bin=state_bin(), enrolled_on=dt.date(2022, 9, 1), left_on=dt.date(2025, 1, 9)),
                agreeing(enrolment)]
        check_run_now(snapshot=load_snapshot(tmp_path, rows))
        assert found("P03") == found("P04") == found("P02") == set()


@pytest.mark.django_db
class P04Tests:
    def test_nobd_shows_the_pupil_left_this_school_before_d(self, school, tmp_path):
        enrolment = make_enrolment(school=school, enrolled_on=dt.date(2024, 9, 1))
        check_run_now(snapshot=load_snapshot(tmp_path, [agreeing(enrolment, left_on=D - dt.timedelta(days=10))]))
        assert found("P04") == {enrolment.pk}
        assert Finding.objects.get(code="P04").details["nobd_left_on"] == (D - dt.timedelta(days=10)).isoformat()

    def test_leaving_on_d_or_coming_back_is_not_p04(self, school, tmp_path):
        left_on_d = make_enrolment(school=school)
        came_back = make_enrolment(school=school, enrolled_on=dt.date(2024, 9, 1))
        rows = [agreeing(left_on_d, left_on=D),
                agreeing(came_back, enrolled_on=dt.date(2023, 9, 1), left_on=dt.date(2024, 5, 31)),
                agreeing(came_back, enrolled_on=dt.date(2024, 9, 1))]
        check_run_now(snapshot=load_snapshot(tmp_path, rows))
        assert found("P04") == set()

    def test_a_pupil_who_left_the_contingent_too_is_not_checked(self, school, tmp_path):
        enrolment = make_enrolment(school=school, left_on=D - dt.timedelta(days=10))
        check_run_now(snapshot=load_snapshot(tmp_path, [agreeing(enrolment)]))
        assert found("P04") == set()


@pytest.mark.django_db
class P05Tests:
    def test_each_enrolment_of_a_pupil_active_at_two_schools_is_found(self, school, other_school, tmp_path):
        pupil = make_pupil()
        here = make_enrolment(school=school, pupil=pupil)
        there = make_enrolment(school=other_school, pupil=pupil, enrolled_on=dt.date(2025, 10, 1))
        check_run_now(snapshot=load_snapshot(tmp_path, [agreeing(here)]))
        assert found("P05") == {here.pk, there.pk}
        assert found("P03") == {there.pk}  # decided on its own: NOBD has the pupil at the first school

    def test_a_move_between_portal_schools_on_d_overlaps_on_d(self, school, other_school, tmp_path):
        pupil = make_pupil()
        old = make_enrolment(school=school, pupil=pupil, left_on=D)
        new = make_enrolment(school=other_school, pupil=pupil, enrolled_on=D)
        check_run_now(snapshot=load_snapshot(tmp_path, [agreeing(old), agreeing(new)]))
        assert found("P05") == {old.pk, new.pk}

    def test_a_move_before_d_and_returns_to_one_school_are_fine(self, school, other_school, tmp_path):
        mover = make_pupil()
        make_enrolment(school=school, pupil=mover, left_on=D - DAY)
        moved = make_enrolment(school=other_school, pupil=mover, enrolled_on=D - DAY + DAY)
        returner = make_pupil()
        make_enrolment(school=school, pupil=returner, enrolled_on=dt.date(2023, 9, 1), left_on=dt.date(2024, 5, 31))
        returned = make_enrolment(school=school, pupil=returner, enrolled_on=dt.date(2024, 9, 1))
        check_run_now(snapshot=load_snapshot(tmp_path, [agreeing(moved), agreeing(returned)]))
        assert found("P05") == set()


@pytest.mark.django_db
class P06Tests:
    def test_nobd_active_row_here_with_another_grade_is_found(self, school, tmp_path):
        enrolment = make_enrolment(school=school, grade=5)
        same = make_enrolment(school=school, grade=5)
        check_run_now(snapshot=load_snapshot(tmp_path, [agreeing(enrolment, grade=6), agreeing(same)]))
        assert found("P06") == {enrolment.pk}
        assert Finding.objects.get(code="P06").details["nobd_grades"] == [6]
        assert Finding.objects.get(code="P06").severity == "warning"

    def test_an_old_row_with_another_grade_is_not_p06(self, school, tmp_path):
        enrolment = make_enrolment(school=school, grade=5, enrolled_on=dt.date(2024, 9, 1))
        rows = [agreeing(enrolment, grade=4, left_on=dt.date(2025, 5, 31)), agreeing(enrolment, enrolled_on=YEAR_START)]
        check_run_now(snapshot=load_snapshot(tmp_path, rows))
        assert found("P06") == set()


@pytest.mark.django_db
class P07Tests:
    def _pupil(self, grade: int, birth: dt.date):
        return make_pupil(birth_date=birth, grade_hint=grade)

    def test_the_age_limits_grade_plus_3_and_grade_plus_8_are_allowed(self, school, tmp_path):
        grade = 4
        youngest = make_enrolment(school=school, grade=grade, pupil=self._pupil(grade, dt.date(2025 - 7, 9, 1)))  # 7 on 1 Sept
        too_young = make_enrolment(school=school, grade=grade, pupil=self._pupil(grade, dt.date(2025 - 7, 9, 2)))  # 6
        oldest = make_enrolment(school=school, grade=grade, pupil=self._pupil(grade, dt.date(2025 - 13, 9, 2)))  # 12
        too_old = make_enrolment(school=school, grade=grade, pupil=self._pupil(grade, dt.date(2025 - 13, 9, 1)))  # 13
        rows = [agreeing(e) for e in (youngest, too_young, oldest, too_old)]
        check_run_now(snapshot=load_snapshot(tmp_path, rows))
        assert found("P07") == {too_young.pk, too_old.pk}
        ages = dict(Finding.objects.filter(code="P07").values_list("enrolment_id", "details__age"))
        assert ages == {too_young.pk: 6, too_old.pk: 13}

    def test_the_school_year_starts_on_1_september_before_d(self, school, tmp_path):
        # D in August 2026 still belongs to the school year that began on 1 September 2025.
        grade = 0
        pupil = self._pupil(grade, dt.date(2022, 9, 1))  # 3 on 1 September 2025, 4 in August 2026
        enrolment = make_enrolment(school=school, grade=grade, pupil=pupil)
        check_run_now(snapshot=load_snapshot(tmp_path, [agreeing(enrolment)], taken_on=dt.date(2026, 8, 20)))
        assert found("P07") == set()
        late = self._pupil(grade, dt.date(2022, 9, 2))  # 2 on 1 September 2025
        late_enrolment = make_enrolment(school=school, grade=grade, pupil=late)
        check_run_now(snapshot=load_snapshot(tmp_path, [agreeing(enrolment), agreeing(late_enrolment)], taken_on=dt.date(2026, 8, 20)))
        assert found("P07") == {late_enrolment.pk}


@pytest.mark.django_db
class RunSemanticsTests:
    def test_one_enrolment_can_carry_several_codes(self, school, other_school, tmp_path):
        pupil = make_pupil(birth_date=birth_for_grade(3, age_offset=12))  # far too old for grade 3: P07
        enrolment = make_enrolment(school=school, pupil=pupil, grade=3)
        make_enrolment(school=other_school, pupil=pupil, grade=3)  # P05
        pupil.birth_date += DAY  # P01
        pupil.save()
        check_run_now(snapshot=load_snapshot(tmp_path, []))  # P02
        codes = set(Finding.objects.filter(enrolment=enrolment).values_list("code", flat=True))
        assert codes == {"P01", "P02", "P05", "P07"}

    def test_every_school_is_checked_whatever_its_status(self, region_astana, tmp_path):
        closed = make_school(region=region_astana, name="Closed school", status="closed")
        enrolment = make_enrolment(school=closed)
        check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert found("P02") == {enrolment.pk}

    def test_the_same_snapshot_twice_gives_the_same_findings_and_a_fix_closes_one(self, school, tmp_path):
        unknown = make_enrolment(school=school)
        wrong_grade = make_enrolment(school=school, grade=2)
        snapshot = load_snapshot(tmp_path, [agreeing(wrong_grade, grade=3)])
        first = check_run_now(snapshot=snapshot)
        ids = set(Finding.objects.values_list("id", flat=True))
        second = check_run_now(snapshot=snapshot)
        assert set(Finding.objects.values_list("id", flat=True)) == ids
        assert first.counts == second.counts and second.counts["P02"] == 1 and second.counts["P06"] == 1
        wrong_grade.grade = 3
        wrong_grade.save()
        third = check_run_now(snapshot=snapshot)
        assert found("P06") == set() and found("P02", third) == {unknown.pk}
        closed = Finding.objects.get(code="P06")
        assert closed.status == FindingStatus.RESOLVED and closed.closed_by_run == third

    def test_findings_trace_the_snapshot_and_rule_version(self, school, tmp_path):
        make_enrolment(school=school)
        snapshot = load_snapshot(tmp_path, [])
        run = check_run_now(snapshot=snapshot)
        finding = Finding.objects.get(code="P02")
        assert finding.last_run.snapshot == snapshot and finding.rule_version == run.rule_versions["P02"] == "1"
        assert run.inputs["snapshot"]["sha256"] == snapshot.sha256 and run.check_date == snapshot.taken_on

    def test_the_prepared_tables_are_gone_after_the_run(self, school, tmp_path):
        from django.db import connection

        make_enrolment(school=school)
        run = check_run_now(snapshot=load_snapshot(tmp_path, []))
        assert set(run.progress["prepared"]) == {"checks_run_active", "checks_run_nobd"}
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_class WHERE relname IN ('checks_run_active', 'checks_run_nobd')")
            assert cursor.fetchone()[0] == 0
