"""The risk rules R01–R05 on planted cases: exact counts, and each threshold with a case on either side.

D = 2025-11-20 (the snapshot's date), Y = 2025-09-01, the previous snapshot is dated D − 1 day.
"""

import datetime as dt

import pytest

from risk.choices import RiskFlagStatus
from risk.engine import risk_run_now
from risk.models import RiskFlag
from tests.contingent.factories import load_snapshot
from tests.factories import make_school
from tests.risk.factories import PREVIOUS, D, Y, enrol_many, new_iin, nobd, record_iban_change, snapshots, state_bin

DAY = dt.timedelta(days=1)


def raised(run, code: str) -> set[str]:
    return set(RiskFlag.objects.filter(code=code, last_run=run, status=RiskFlagStatus.OPEN)
               .values_list("subject_key", flat=True))


@pytest.fixture
def home(region_astana):
    return make_school(region=region_astana, name="Home school")


@pytest.fixture
def rival(region_astana):
    return make_school(region=region_astana, name="Rival school")


@pytest.mark.django_db
class R01TransferVelocityTests:
    def rows(self, iin, bins_and_dates):
        return [nobd(iin, school_bin, enrolled_on=start, left_on=end) for school_bin, start, end in bins_and_dates]

    def test_four_rows_this_school_year_one_at_a_portal_school_raise_the_flag_three_do_not(self, home, tmp_path):
        four, three, state_only, outside, edges = (new_iin() for _ in range(5))
        s1, s2, s3 = state_bin(), state_bin(), state_bin()
        rows = [
            *self.rows(four, [(s1, Y, Y + 9 * DAY), (s2, Y + 10 * DAY, Y + 19 * DAY), (s3, Y + 20 * DAY, Y + 29 * DAY),
                              (home.bin, Y + 30 * DAY, None)]),
            *self.rows(three, [(s1, Y, Y + 9 * DAY), (s2, Y + 10 * DAY, Y + 19 * DAY), (home.bin, Y + 20 * DAY, None)]),
            *self.rows(state_only, [(s1, Y, Y), (s2, Y + DAY, Y + DAY), (s3, Y + 2 * DAY, Y + 2 * DAY),
                                    (s1, Y + 3 * DAY, Y + 3 * DAY), (s2, Y + 4 * DAY, None)]),
            # one row the day before Y and one the day after D do not count: 3 of 5
            *self.rows(outside, [(s1, Y - DAY, Y + DAY), (s2, Y + 2 * DAY, Y + 3 * DAY), (s3, Y + 4 * DAY, D),
                                 (home.bin, D, D), (s1, D + DAY, None)]),
            # rows enrolled on Y and on D themselves count
            *self.rows(edges, [(s1, Y, Y + DAY), (s2, Y + 2 * DAY, Y + 3 * DAY), (home.bin, Y + 4 * DAY, D - DAY),
                               (s3, D, None)]),
        ]
        run = risk_run_now(snapshot=load_snapshot(tmp_path, rows, taken_on=D))
        assert raised(run, "R01") == {f"iin:{four}", f"iin:{edges}"}
        flag = RiskFlag.objects.get(subject_key=f"iin:{four}")
        assert flag.school_id == home.pk and flag.pupil_iin == four
        evidence = flag.evidence
        assert (evidence["min_rows"], evidence["snapshot_id"], len(evidence["rows"])) == (4, run.snapshot_id, 4)
        assert [row["bin"] for row in evidence["rows"]] == [s1, s2, s3, home.bin]
        assert evidence["rows"][3]["name_kk"] == home.name_kk and evidence["rows"][0]["name_kk"] is None

    def test_rows_are_counted_not_schools_and_the_threshold_is_a_setting(self, home, tmp_path, settings):
        back_and_forth, three = new_iin(), new_iin()
        s1 = state_bin()
        rows = [*self.rows(back_and_forth, [(home.bin, Y, Y + DAY), (s1, Y + 2 * DAY, Y + 3 * DAY),
                                            (home.bin, Y + 4 * DAY, Y + 5 * DAY), (s1, Y + 6 * DAY, None)]),
                *self.rows(three, [(home.bin, Y, Y + DAY), (s1, Y + 2 * DAY, Y + 3 * DAY), (home.bin, Y + 4 * DAY, None)])]
        snapshot = load_snapshot(tmp_path, rows, taken_on=D)
        assert raised(risk_run_now(snapshot=snapshot), "R01") == {f"iin:{back_and_forth}"}
        settings.RISK_R01_MIN_ENROLMENTS = 3
        run = risk_run_now(snapshot=snapshot)
        assert raised(run, "R01") == {f"iin:{back_and_forth}", f"iin:{three}"} and run.thresholds["r01_min_enrolments"] == 3


@pytest.mark.django_db
class R02MonthEndChurnTests:
    def test_three_enrolments_from_the_last_three_days_gone_in_the_first_five_raise_the_flag(self, home, rival,
                                                                                          region_astana, tmp_path):
        for day, left in ((28, 1), (29, 3), (30, 5)):  # September: exactly three
            enrol_many(school=home, count=1, enrolled_on=dt.date(2025, 9, day), left_on=dt.date(2025, 10, left))
        for day, left in ((29, 2), (31, 4)):  # October at the rival: two, one short
            enrol_many(school=rival, count=1, enrolled_on=dt.date(2025, 10, day), left_on=dt.date(2025, 11, left))
        third = make_school(region=region_astana, name="Third school")
        enrol_many(school=third, count=1, enrolled_on=dt.date(2025, 9, 27), left_on=dt.date(2025, 10, 2))  # 4th day from the end
        enrol_many(school=third, count=1, enrolled_on=dt.date(2025, 9, 30), left_on=dt.date(2025, 10, 6))  # 6th day
        enrol_many(school=third, count=2, enrolled_on=dt.date(2025, 9, 29), left_on=dt.date(2025, 10, 5))  # two right ones
        # months not examined: August ends before Y, November after D
        enrol_many(school=third, count=3, enrolled_on=dt.date(2025, 8, 30), left_on=dt.date(2025, 9, 2))
        enrol_many(school=third, count=3, enrolled_on=dt.date(2025, 11, 29), left_on=dt.date(2025, 12, 1))
        run = risk_run_now(snapshot=load_snapshot(tmp_path, [], taken_on=D))
        assert raised(run, "R02") == {f"school:{home.pk}:2025-09"}
        evidence = RiskFlag.objects.get(code="R02").evidence
        assert evidence["month"] == "2025-09-01" and evidence["min_enrolments"] == 3
        assert [(e["enrolled_on"], e["left_on"]) for e in evidence["enrolments"]] == [
            ("2025-09-28", "2025-10-01"), ("2025-09-29", "2025-10-03"), ("2025-09-30", "2025-10-05")]

    def test_with_a_lower_threshold_the_shorter_month_counts_too(self, rival, tmp_path, settings):
        for day, left in ((29, 2), (31, 4)):
            enrol_many(school=rival, count=1, enrolled_on=dt.date(2025, 10, day), left_on=dt.date(2025, 11, left))
        settings.RISK_R02_MIN = 2
        run = risk_run_now(snapshot=load_snapshot(tmp_path, [], taken_on=D))
        assert raised(run, "R02") == {f"school:{rival.pk}:2025-10"}


@pytest.mark.django_db
class R03ContingentJumpTests:
    def grow(self, school, *, before: int, now: int, **kwargs):
        enrol_many(school=school, count=before, enrolled_on=Y, **kwargs)
        enrol_many(school=school, count=now - before, enrolled_on=D - 10 * DAY)

    def test_growth_above_the_share_and_at_least_the_minimum_raises_the_flag(self, region_astana, tmp_path):
        schools = {name: make_school(region=region_astana, name=name) for name in
                   ("min_20", "min_19", "share_31", "share_30", "from_zero")}
        self.grow(schools["min_20"], before=10, now=30)  # +20 (200 %): at the minimum
        self.grow(schools["min_19"], before=10, now=29)  # +19: one short
        self.grow(schools["share_31"], before=100, now=131)  # +31 %
        self.grow(schools["share_30"], before=100, now=130)  # exactly +30 %: not more than 30 %
        self.grow(schools["from_zero"], before=0, now=20)
        run = risk_run_now(snapshot=load_snapshot(tmp_path, [], taken_on=D))
        expected = {f"school:{schools[name].pk}" for name in ("min_20", "share_31", "from_zero")}
        assert raised(run, "R03") == expected
        evidence = RiskFlag.objects.get(code="R03", subject_key=f"school:{schools['share_31'].pk}").evidence
        assert evidence == {"check_date": "2025-11-20", "compared_with": "2025-10-21", "pupils": 131, "pupils_before": 100,
                            "growth_percent": 30, "min_growth": 20}

    def test_pupils_who_left_before_d_are_not_counted_on_d(self, region_astana, tmp_path):
        school = make_school(region=region_astana, name="Leavers")
        enrol_many(school=school, count=10, enrolled_on=Y, left_on=D - DAY)  # active 30 days ago, gone on D
        enrol_many(school=school, count=20, enrolled_on=Y)
        enrol_many(school=school, count=20, enrolled_on=D - 5 * DAY)
        run = risk_run_now(snapshot=load_snapshot(tmp_path, [], taken_on=D))
        assert raised(run, "R03") == set()  # 30 → 40 pupils (+10); counting the leavers on D would give +20


@pytest.mark.django_db
class R04BankAccountTests:
    @pytest.fixture
    def payments(self, contract, school_a, school_user, department_user, operator_user, second_operator_user):
        from payments.services import payment_approve, payment_prepare
        from tests.acts.factories import make_enrolment
        from tests.acts.helpers import accepted_act

        make_enrolment(school=school_a, grade=2)
        made = []
        for month in (dt.date(2025, 9, 1), dt.date(2025, 10, 1), dt.date(2025, 11, 1)):
            act = accepted_act(contract=contract, month=month, school_user=school_user, department_user=department_user,
                               today=dt.date(2025, 12, 10))
            made.append(payment_approve(payment=payment_prepare(act=act, actor=operator_user), actor=second_operator_user))
        return made

    def test_a_payment_approved_less_than_thirty_days_after_an_iban_change_is_flagged(self, payments, school_a, tmp_path):
        from django.utils import timezone

        from payments.models import Payment

        changed = timezone.make_aware(dt.datetime(2025, 10, 1, 10, 0))
        record_iban_change(school_a, before="KZ000000000000000001", after=school_a.iban, at=changed)
        inside, boundary, before_change = payments
        Payment.objects.filter(pk=inside.pk).update(approved_at=changed + dt.timedelta(days=30, seconds=-1))
        Payment.objects.filter(pk=boundary.pk).update(approved_at=changed + dt.timedelta(days=30))  # not less than 30 days
        Payment.objects.filter(pk=before_change.pk).update(approved_at=changed - dt.timedelta(seconds=1))
        run = risk_run_now(snapshot=load_snapshot(tmp_path, [], taken_on=D))
        assert raised(run, "R04") == {f"payment:{inside.pk}"}
        evidence = RiskFlag.objects.get(code="R04").evidence
        assert evidence["window_days"] == 30 and evidence["payment_id"] == inside.pk
        assert [(c["iban_before"], c["iban_after"]) for c in evidence["changes"]] == [("KZ000000000000000001", school_a.iban)]

    def test_an_account_entered_where_there_was_none_and_later_approvals_are_not_changes(self, payments, school_a, tmp_path):
        from django.utils import timezone

        from payments.models import Payment

        changed = timezone.make_aware(dt.datetime(2025, 10, 1, 10, 0))
        record_iban_change(school_a, before="", after=school_a.iban, at=changed)
        Payment.objects.filter(pk=payments[0].pk).update(approved_at=changed + dt.timedelta(days=1))
        run = risk_run_now(snapshot=load_snapshot(tmp_path, [], taken_on=D))
        assert raised(run, "R04") == set()

    def test_what_was_approved_after_the_end_of_a_past_d_is_not_read(self, payments, school_a, tmp_path):
        from django.utils import timezone

        from payments.models import Payment

        changed = timezone.make_aware(dt.datetime(2025, 11, 19, 10, 0))
        record_iban_change(school_a, before="KZ000000000000000001", after=school_a.iban, at=changed)
        Payment.objects.filter(pk=payments[0].pk).update(approved_at=changed + dt.timedelta(days=1))  # 20 Nov: on D
        Payment.objects.filter(pk=payments[1].pk).update(approved_at=changed + dt.timedelta(days=2))  # 21 Nov: after D
        run = risk_run_now(snapshot=load_snapshot(tmp_path, [], taken_on=D))
        assert raised(run, "R04") == {f"payment:{payments[0].pk}"}


@pytest.mark.django_db
class R05VanishedRecordTests:
    def test_a_row_active_on_the_previous_date_at_a_portal_school_with_no_row_now_raises_the_flag(self, home, rival,
                                                                                               tmp_path):
        vanished, moved, regraded, left, state, future, kept = (new_iin() for _ in range(7))
        other_state = state_bin()
        previous = [
            nobd(vanished, home.bin, enrolled_on=Y),
            nobd(moved, home.bin, enrolled_on=Y),
            nobd(regraded, home.bin, enrolled_on=Y, grade=3),
            nobd(left, home.bin, enrolled_on=Y, left_on=PREVIOUS - DAY),  # not active on D′
            nobd(state, other_state, enrolled_on=Y),  # not a portal school
            nobd(future, rival.bin, enrolled_on=D),  # enrolled after D′
            nobd(kept, rival.bin, enrolled_on=Y, left_on=PREVIOUS),  # left on D′: active on D′, and still there
        ]
        now = [
            nobd(moved, rival.bin, enrolled_on=PREVIOUS),  # moved: the row at home is gone
            nobd(regraded, home.bin, enrolled_on=Y, grade=4),  # same IIN, school and start: not vanished
            nobd(kept, rival.bin, enrolled_on=Y, left_on=PREVIOUS),
        ]
        before, snapshot = snapshots(tmp_path, previous, now)
        run = risk_run_now(snapshot=snapshot)
        assert run.previous_snapshot_id == before.pk
        assert raised(run, "R05") == {f"nobd:{vanished}:{home.bin}:{Y}", f"nobd:{moved}:{home.bin}:{Y}"}
        evidence = RiskFlag.objects.get(pupil_iin=moved).evidence
        assert (evidence["previous_snapshot_id"], evidence["snapshot_id"]) == (before.pk, snapshot.pk)
        assert [row["bin"] for row in evidence["now"]] == [rival.bin] and len(evidence["vanished"]) == 1
        assert RiskFlag.objects.get(pupil_iin=vanished).evidence["now"] == []

    def test_without_a_previous_snapshot_nothing_is_compared(self, home, tmp_path):
        run = risk_run_now(snapshot=load_snapshot(tmp_path, [nobd(new_iin(), home.bin, enrolled_on=Y)], taken_on=D))
        assert run.previous_snapshot_id is None and raised(run, "R05") == set()

    def test_the_previous_snapshot_is_the_latest_one_dated_before_d(self, home, tmp_path):
        iin = new_iin()
        load_snapshot(tmp_path, [nobd(iin, home.bin, enrolled_on=Y)], taken_on=D - 5 * DAY)
        latest_before = load_snapshot(tmp_path, [], taken_on=D - 2 * DAY)  # the row vanished here already
        snapshot = load_snapshot(tmp_path, [], taken_on=D)
        load_snapshot(tmp_path, [nobd(iin, home.bin, enrolled_on=Y)], taken_on=D + DAY)  # later: not "previous"
        run = risk_run_now(snapshot=snapshot)
        assert run.previous_snapshot_id == latest_before.pk and raised(run, "R05") == set()
