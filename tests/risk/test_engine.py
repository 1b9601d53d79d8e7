"""The risk engine: flags kept, closed and never duplicated; evidence versions; replay; ``run_risk``; the pipeline."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from checks.choices import CheckRunTrigger
from checks.models import CheckRun
from checks.signals import check_run_succeeded
from contingent.models import Enrolment, NobdSnapshot
from contingent.services.nobd import nobd_prune
from core.errors import DomainError
from risk.choices import RiskCode, RiskFlagStatus, RiskRunStatus, RiskRunTrigger
from risk.engine import risk_run_create, risk_run_execute, risk_run_now
from risk.models import RiskFlag, RiskFlagEvidence, RiskRun
from risk.receivers import snapshots_in_use
from risk.replay import flag_replay
from tests.contingent.factories import load_snapshot
from tests.risk.factories import D, Y, approved_payments, new_iin, nobd, plant_every_code, state_bin

DAY = dt.timedelta(days=1)


@pytest.fixture
def planted(tmp_path, contract, school_a, school_user, department_user, operator_user, second_operator_user):
    payment, = approved_payments(contract=contract, school_user=school_user, department_user=department_user,
                                 operator_user=operator_user, second_operator_user=second_operator_user)
    previous, snapshot, iins = plant_every_code(tmp_path, home=school_a, payment=payment)
    return {"previous": previous, "snapshot": snapshot, "iins": iins, "payment": payment, "school": school_a}


def open_flags() -> list[tuple]:
    return sorted(RiskFlag.objects.filter(status=RiskFlagStatus.OPEN).values_list("id", "code", "subject_key"))


@pytest.mark.django_db
class RiskEngineTests:
    def test_every_code_is_raised_once_and_a_second_run_changes_nothing(self, planted):
        first = risk_run_now(snapshot=planted["snapshot"])
        assert first.counts == {"R01": 1, "R02": 1, "R03": 1, "R04": 1, "R05": 1}
        flags, versions = open_flags(), RiskFlagEvidence.objects.count()
        second = risk_run_now(snapshot=planted["snapshot"])
        assert second.counts == first.counts and open_flags() == flags and RiskFlag.objects.count() == 5
        assert RiskFlagEvidence.objects.count() == versions == 5  # unchanged evidence: no new version
        assert set(RiskFlag.objects.values_list("first_run", "last_run")) == {(first.pk, second.pk)}
        assert (first.status, second.status) == (RiskRunStatus.SUCCEEDED, RiskRunStatus.SUCCEEDED)
        assert first.thresholds == {"r01_min_enrolments": 4, "r02_min": 3, "r03_growth": 30, "r03_min": 20, "r04_days": 30}

    def test_a_flag_no_longer_raised_is_closed_and_a_changed_evidence_is_kept_as_a_new_version(self, planted, tmp_path):
        first = risk_run_now(snapshot=planted["snapshot"])
        hopper = planted["iins"]["R01"]
        r01 = RiskFlag.objects.get(code="R01")
        rows = [nobd(hopper, state_bin(), enrolled_on=Y + offset * DAY, left_on=Y + offset * DAY) for offset in range(4)]
        later = load_snapshot(tmp_path, [*rows, nobd(hopper, planted["school"].bin, enrolled_on=Y + 30 * DAY)],
                              taken_on=D + DAY)
        second = risk_run_now(snapshot=later)
        r01.refresh_from_db()
        assert (r01.status, r01.last_run_id, len(r01.evidence["rows"])) == (RiskFlagStatus.OPEN, second.pk, 5)
        assert list(r01.evidence_versions.values_list("run_id", flat=True)) == [second.pk, first.pk]
        r05 = RiskFlag.objects.get(code="R05")  # the vanished row is no news the next day
        assert (r05.status, r05.closed_by_run_id) == (RiskFlagStatus.CLOSED, second.pk)
        assert second.counts["R05"] == 0 and second.previous_snapshot_id == planted["snapshot"].pk

    def test_replay_gives_the_stored_evidence_for_every_code(self, planted):
        risk_run_now(snapshot=planted["snapshot"])
        for flag in RiskFlag.objects.all():
            replay = flag_replay(flag=flag)
            assert replay.identical, (flag.code, replay.differences)
            assert replay.recomputed_sha256 == flag.evidence_sha256 and not replay.problem

    def test_replay_names_what_changed_in_the_contingent_since(self, planted):
        risk_run_now(snapshot=planted["snapshot"])
        flag = RiskFlag.objects.get(code="R02")
        Enrolment.objects.filter(school=planted["school"], enrolled_on=dt.date(2025, 9, 28)).update(left_on=dt.date(2025, 10, 20))
        replay = flag_replay(flag=flag)
        assert not replay.identical and replay.recomputed is None  # two enrolments left: below the threshold

    def test_a_flag_whose_snapshot_was_pruned_cannot_be_replayed_and_says_so(self, planted, tmp_path, settings):
        risk_run_now(snapshot=planted["snapshot"])
        settings.NOBD_SNAPSHOT_KEEP = 1
        load_snapshot(tmp_path, [], taken_on=D + DAY)
        assert set(NobdSnapshot.objects.filter(status="pruned").values_list("pk", flat=True)) >= {planted["previous"].pk}
        replay = flag_replay(flag=RiskFlag.objects.get(code="R05"))
        assert not replay.identical and replay.recomputed is None
        assert str(planted["snapshot"].pk) in replay.problem and "NOBD_SNAPSHOT_KEEP" in replay.problem

    def test_a_run_on_a_pruned_snapshot_fails_and_records_why(self, planted, tmp_path, settings):
        settings.NOBD_SNAPSHOT_KEEP = 1
        load_snapshot(tmp_path, [], taken_on=D + DAY)
        planted["snapshot"].refresh_from_db()
        with pytest.raises(DomainError):
            risk_run_create(snapshot=planted["snapshot"])
        run = RiskRun.objects.create(snapshot=planted["snapshot"], check_date=D, as_of=planted["payment"].approved_at,
                                     trigger=RiskRunTrigger.COMMAND)
        with pytest.raises(DomainError) as refused:
            risk_run_execute(run=run)
        run.refresh_from_db()
        assert refused.value.code == "snapshot_pruned"
        assert run.status == RiskRunStatus.FAILED and run.error == str(refused.value)

    def test_pruning_keeps_the_snapshots_a_running_risk_run_reads(self, planted, tmp_path, settings):
        run = risk_run_create(snapshot=planted["snapshot"])
        assert snapshots_in_use(sender=NobdSnapshot) == {planted["snapshot"].pk, planted["previous"].pk}
        settings.NOBD_SNAPSHOT_KEEP = 1
        load_snapshot(tmp_path, [], taken_on=D + DAY)
        assert nobd_prune() == []
        risk_run_execute(run=run)
        assert snapshots_in_use(sender=NobdSnapshot) == set()


@pytest.mark.django_db
class RunRiskCommandTests:
    def test_it_prints_every_code_zeros_included_on_the_latest_snapshot(self, tmp_path, school_a, capsys):
        load_snapshot(tmp_path, [nobd(new_iin(), school_a.bin, enrolled_on=Y)], taken_on=D - DAY)
        latest = load_snapshot(tmp_path, [], taken_on=D)
        call_command("run_risk")
        assert capsys.readouterr().out.splitlines() == ["R01 0", "R02 0", "R03 0", "R04 0", "R05 1"]
        assert RiskRun.objects.get().snapshot_id == latest.pk

    def test_it_runs_on_the_named_snapshot_and_twice_gives_the_same_lines(self, planted, capsys):
        for _ in range(2):
            call_command("run_risk", "--snapshot", str(planted["snapshot"].pk))
        lines = capsys.readouterr().out.splitlines()
        assert lines == [f"{code} 1" for code in RiskCode.values] * 2
        assert RiskFlag.objects.count() == 5

    def test_an_unknown_snapshot_or_none_at_all_exits_non_zero(self, db):
        with pytest.raises(CommandError):
            call_command("run_risk")
        with pytest.raises(CommandError):
            call_command("run_risk", "--snapshot", "999999")


@pytest.mark.django_db
class AfterTheChecksTests:
    def test_a_pipeline_check_run_queues_the_risk_flags_after_commit_and_a_command_run_does_not(
            self, tmp_path, tasks_sent, django_capture_on_commit_callbacks):
        from risk import tasks

        snapshot = load_snapshot(tmp_path, [], taken_on=D)
        runs = {trigger: CheckRun.objects.create(check_date=D, snapshot=snapshot, trigger=trigger, status="succeeded")
                for trigger in (CheckRunTrigger.NIGHTLY, CheckRunTrigger.MANUAL, CheckRunTrigger.COMMAND)}
        with django_capture_on_commit_callbacks(execute=True):
            for run in runs.values():
                check_run_succeeded.send(sender=CheckRun, run=run)
        queued = [args[0] for name, args in tasks_sent if name == tasks.run_risk_after_checks.name]
        assert queued == [runs[CheckRunTrigger.NIGHTLY].pk, runs[CheckRunTrigger.MANUAL].pk]

    def test_the_task_computes_the_flags_on_the_check_runs_snapshot(self, planted):
        from risk.tasks import run_risk_after_checks

        check_run = CheckRun.objects.create(check_date=D, snapshot=planted["snapshot"], trigger=CheckRunTrigger.NIGHTLY,
                                            status="succeeded")
        result = run_risk_after_checks(check_run.pk)
        run = RiskRun.objects.get(pk=result["risk_run"])
        assert (run.trigger, run.check_run_id, run.snapshot_id) == (RiskRunTrigger.CHECKS, check_run.pk, planted["snapshot"].pk)
        assert result["counts"]["R01"] == 1


@pytest.mark.django_db
class DeclaredTransitionsTests:
    """Runs end and flags close only through ``RiskRun.TRANSITIONS`` / ``RiskFlag.TRANSITIONS``, audited with their event types."""

    def test_a_run_records_its_start_and_end_and_the_flags_it_closed(self, planted, tmp_path):
        from core.models import AuditEvent
        from risk.choices import RiskRunEvent

        first = risk_run_now(snapshot=planted["snapshot"])
        later = load_snapshot(tmp_path, [nobd(new_iin(), planted["school"].bin, enrolled_on=Y)], taken_on=D + DAY)
        second = risk_run_now(snapshot=later)
        events = list(AuditEvent.objects.filter(object_id=str(second.pk), action__startswith="risk_run")
                      .order_by("id").values_list("action", "from_status", "to_status"))
        assert events == [(RiskRunEvent.STARTED, "", RiskRunStatus.RUNNING),
                          (RiskRunEvent.SUCCEEDED, RiskRunStatus.RUNNING, RiskRunStatus.SUCCEEDED)]
        succeeded = AuditEvent.objects.get(object_id=str(second.pk), action=RiskRunEvent.SUCCEEDED)
        closed = RiskFlag.objects.filter(closed_by_run=second).count()
        assert closed and sum(succeeded.data["closed"].values()) == closed
        assert first.status == RiskRunStatus.SUCCEEDED

    def test_an_ended_run_does_not_end_twice(self, planted):
        from risk.engine import run_transition

        run = risk_run_now(snapshot=planted["snapshot"])
        assert run_transition(run, "fail", error="late") is False
        run.refresh_from_db()
        assert run.status == RiskRunStatus.SUCCEEDED and run.error == ""

    def test_only_operators_and_administrators_or_the_system_start_a_run(self, planted, department_user, monitor_user,
                                                                       operator_user):
        from core.errors import PermissionDeniedError

        for user in (department_user, monitor_user):
            with pytest.raises(PermissionDeniedError):
                risk_run_create(snapshot=planted["snapshot"], actor=user)
        assert RiskRun.objects.count() == 0
        assert risk_run_create(snapshot=planted["snapshot"], actor=operator_user).started_by == operator_user
