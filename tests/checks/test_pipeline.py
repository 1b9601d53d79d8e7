"""The nightly job in one process: fetch → import → checks → notify, one run at a time."""

import datetime as dt

import pytest
from django.core import mail

from checks.choices import CheckRunEvent, CheckRunStatus, CheckRunTrigger
from checks.engine import check_run_execute
from checks.models import CheckRun, Finding
from checks.pipeline import check_pipeline_execute, check_pipeline_start
from checks.runs import RunInProgress, run_in_progress
from checks.services import check_run_now
from checks.tasks import nightly_checks
from contingent.models import NobdSnapshot
from core.errors import PermissionDeniedError
from core.locks import CHECK_RUN_LOCK
from core.selectors import audit_events_for
from tests.contingent.factories import load_snapshot, make_enrolment, nobd_row, write_csv


@pytest.fixture
def nobd_file(settings, tmp_path):
    settings.NOBD_TRANSPORT = "file"
    settings.NOBD_FILE_PATH = str(tmp_path / "drop" / "nobd.csv")
    (tmp_path / "drop").mkdir()
    return tmp_path / "drop" / "nobd.csv"


@pytest.fixture
def contingent(school_a, school_b, nobd_file):
    """One pupil NOBD knows at school A, one it does not (P02), one at school B with another grade (P06)."""
    known = make_enrolment(school=school_a, grade=3)
    unknown = make_enrolment(school=school_a, grade=4)
    regraded = make_enrolment(school=school_b, grade=7)
    write_csv(nobd_file, [nobd_row(known.pupil, school_bin=school_a.bin, grade=3),
                          nobd_row(regraded.pupil, school_bin=school_b.bin, grade=8)])
    return {"known": known, "unknown": unknown, "regraded": regraded}


@pytest.mark.django_db
class PipelineTests:
    def test_a_started_run_is_queued_after_commit_and_then_fetches_imports_checks_and_notifies(
            self, contingent, operator_user, school_user, other_school_user, department_user, other_department_user,
            django_capture_on_commit_callbacks):
        for user, email in ((school_user, "a@school.kz"), (other_school_user, "b@school.kz"),
                            (department_user, "astana@edu.kz"), (other_department_user, "almaty@edu.kz")):
            user.email = email
            user.save()
        with django_capture_on_commit_callbacks() as callbacks:
            run = check_pipeline_start(actor=operator_user, fetch=True)
        assert len(callbacks) == 1 and run.status == "running" and run.snapshot is None
        assert run.progress["stage"] == "queued" and run.trigger == CheckRunTrigger.MANUAL
        run = check_pipeline_execute(run_id=run.pk)
        assert run.status == CheckRunStatus.SUCCEEDED and run.snapshot is not None
        assert run.check_date == run.snapshot.taken_on == dt.date.today() and run.snapshot.row_count == 2
        assert run.counts["P02"] == 1 and run.counts["P06"] == 1
        assert run.progress["stage"] == "done" and run.progress["emails"] == 4
        by_recipient = {tuple(message.to): message for message in mail.outbox}
        school_mail = by_recipient[("a@school.kz",)]
        assert "P02: 1" in school_mail.body and f"/kk/checks/runs/{run.pk}/" in school_mail.body
        assert school_mail.body.startswith(("E-Qazyna", school_mail.body[:1]))
        assert "P06: 1" in by_recipient[("b@school.kz",)].body and "P02" not in by_recipient[("b@school.kz",)].body
        assert "P02: 1" in by_recipient[("astana@edu.kz",)].body
        assert "http://" in by_recipient[("almaty@edu.kz",)].body

    def test_a_second_trigger_while_one_runs_reports_the_running_one(self, contingent, operator_user,
                                                                    django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks():
            first = check_pipeline_start(actor=operator_user, fetch=False)
        with pytest.raises(RunInProgress) as error:
            check_pipeline_start(actor=operator_user, fetch=True)
        assert error.value.details == {"run_id": first.pk} and str(first.pk) in str(error.value)
        assert nightly_checks() == {"started": None, "running": first.pk, "message": str(error.value)}
        assert CheckRun.objects.count() == 1

    def test_a_run_whose_process_died_long_ago_does_not_block_a_new_one(self, contingent, operator_user, settings,
                                                                        django_capture_on_commit_callbacks):
        old = CheckRun.objects.create(check_date=dt.date.today(), trigger=CheckRunTrigger.NIGHTLY,
                                      status=CheckRunStatus.RUNNING, progress={"heartbeat": "2020-01-01T00:00:00+00:00"})
        CheckRun.objects.filter(pk=old.pk).update(started_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        assert run_in_progress() is None
        with django_capture_on_commit_callbacks():
            run = check_pipeline_start(actor=operator_user, fetch=True)
        check_pipeline_execute(run_id=run.pk)
        old.refresh_from_db()
        assert old.status == CheckRunStatus.FAILED and old.finished_at is not None
        event = audit_events_for(subject=old).get()
        assert (event.action, event.from_status, event.to_status) == (CheckRunEvent.FAILED, "running", "failed")

    def test_a_queued_run_is_in_progress_and_a_run_started_meanwhile_does_not_fail_it(
            self, contingent, operator_user, django_capture_on_commit_callbacks):
        """The defect: the engine marked every other running run failed when a run started, a queued nightly run too."""
        with django_capture_on_commit_callbacks():
            queued = CheckRun.objects.get(pk=nightly_checks()["started"])
        assert run_in_progress() == queued
        with pytest.raises(RunInProgress) as refused:  # run_checks meanwhile: refused, naming the queued run
            check_run_now()
        assert refused.value.details == {"run_id": queued.pk}
        # A run that got past the start anyway (say, created just before) executes without failing the queued one.
        other = CheckRun.objects.create(check_date=dt.date.today(), trigger=CheckRunTrigger.COMMAND, status=CheckRunStatus.RUNNING)
        check_run_execute(run=other)
        queued.refresh_from_db()
        assert queued.status == CheckRunStatus.RUNNING
        assert check_pipeline_execute(run_id=queued.pk).status == CheckRunStatus.SUCCEEDED

    def test_a_run_holding_the_lock_in_another_session_is_in_progress(self, contingent):
        from django.db import connections

        stuck = CheckRun.objects.create(check_date=dt.date.today(), trigger=CheckRunTrigger.NIGHTLY, status=CheckRunStatus.RUNNING)
        CheckRun.objects.filter(pk=stuck.pk).update(started_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        other = connections.create_connection("default")
        other.connect()
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [CHECK_RUN_LOCK.key])
            assert run_in_progress() == stuck
        finally:
            other.close()

    def test_only_operators_start_runs_by_hand(self, contingent, school_user, monitor_user, department_user):
        for user in (school_user, monitor_user, department_user):
            with pytest.raises(PermissionDeniedError):
                check_pipeline_start(actor=user)
        with pytest.raises(PermissionDeniedError):
            check_pipeline_start(actor=None, trigger=CheckRunTrigger.MANUAL)

    def test_without_fetching_the_latest_snapshot_is_checked(self, contingent, operator_user, tmp_path,
                                                             django_capture_on_commit_callbacks):
        snapshot = load_snapshot(tmp_path, [], taken_on=dt.date(2025, 11, 20))
        with django_capture_on_commit_callbacks():
            run = check_pipeline_start(actor=operator_user, fetch=False)
        assert run.snapshot == snapshot and run.check_date == snapshot.taken_on
        run = check_pipeline_execute(run_id=run.pk)
        assert run.status == "succeeded" and run.counts["P02"] == 3 and NobdSnapshot.objects.count() == 1

    def test_a_failed_fetch_fails_the_run_and_tells_the_operators(self, nobd_file, school_a, operator_user,
                                                                  django_capture_on_commit_callbacks):
        operator_user.email = "ops@fc.kz"
        operator_user.save()
        make_enrolment(school=school_a)
        with django_capture_on_commit_callbacks():
            run = check_pipeline_start(actor=operator_user, fetch=True)  # no file was dropped
        run = check_pipeline_execute(run_id=run.pk)
        assert run.status == CheckRunStatus.FAILED and str(nobd_file) in run.error
        assert [m.to for m in mail.outbox] == [["ops@fc.kz"]] and f"№{run.pk}" in mail.outbox[0].subject
        assert Finding.objects.count() == 0

    def test_a_bad_snapshot_fails_the_run_with_the_lines_and_loads_nothing(self, nobd_file, school_a, operator_user,
                                                                           django_capture_on_commit_callbacks):
        nobd_file.write_text("iin,last_name,first_name,middle_name,birth_date,school_bin,grade,enrolled_on,left_on\n"
                             "1,a,b,,2015-01-01,2,3,2025-09-01,\n", encoding="utf-8")
        with django_capture_on_commit_callbacks():
            run = check_pipeline_start(actor=operator_user, fetch=True)
        run = check_pipeline_execute(run_id=run.pk)
        assert run.status == CheckRunStatus.FAILED and "2" in run.error and NobdSnapshot.objects.count() == 0

    def test_executing_a_finished_run_again_does_nothing(self, contingent, operator_user, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks():
            run = check_pipeline_start(actor=operator_user, fetch=True)
        check_pipeline_execute(run_id=run.pk)
        sent = len(mail.outbox)
        again = check_pipeline_execute(run_id=run.pk)
        assert again.status == "succeeded" and len(mail.outbox) == sent and NobdSnapshot.objects.count() == 1

    def test_the_nightly_task_starts_a_fetching_run(self, contingent, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            result = nightly_checks()
        run = CheckRun.objects.get(pk=result["started"])
        assert run.trigger == CheckRunTrigger.NIGHTLY and run.progress["fetch"] is True and len(callbacks) == 1


@pytest.mark.django_db(transaction=True)  # the scheduler closes the database connection, as beat does
class BeatScheduleTests:
    def test_the_nightly_job_is_scheduled_at_two_in_the_morning_almaty_time(self, settings):
        from django_celery_beat.models import PeriodicTask
        from django_celery_beat.schedulers import DatabaseScheduler

        from eqazyna.celery import app

        DatabaseScheduler(app=app)  # reads CELERY_BEAT_SCHEDULE into the database, as beat does at start
        task = PeriodicTask.objects.get(name="nightly-nobd-checks")
        assert task.task == "checks.tasks.nightly_checks" and task.enabled
        crontab = task.crontab
        assert (crontab.minute, crontab.hour, crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == (
            "0", "2", "*", "*", "*")
        assert str(crontab.timezone) == "Asia/Almaty" == settings.CELERY_TIMEZONE


@pytest.mark.django_db
class DemoTests:
    def test_seed_demo_plants_a_few_anomalies_of_every_pupil_code_and_runs_the_checks(self, settings, tmp_path, capsys):
        from django.core.management import call_command

        settings.NOBD_FILE_PATH = str(tmp_path / "nobd.csv")
        call_command("seed_demo")
        run = CheckRun.objects.get(snapshot__isnull=False)  # the payments demo records runs of its own, without a snapshot
        assert all(run.counts[code] >= 1 for code in ("P01", "P02", "P03", "P04", "P05", "P06", "P07", "S04"))
        assert "Demo checks" in capsys.readouterr().out
        call_command("seed_demo")  # idempotent: same snapshots (yesterday's, for the risk flag R05, and today's), same findings
        assert NobdSnapshot.objects.count() == 2
        assert CheckRun.objects.order_by("-id").first().counts == run.counts
