"""The nightly job under a real Celery worker (and beat): a killed worker loses nothing."""

import datetime as dt
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.db import connections

from checks.choices import CheckRunStatus, CheckRunTrigger, FindingStatus
from checks.models import CheckRun, Finding
from checks.pipeline import check_pipeline_start
from checks.services import check_run_now
from tests import workers
from tests.contingent.factories import make_contract, make_enrolment, nobd_row, write_csv
from tests.factories import make_school
from tests.schools.factories import make_licence
from tests.workers import running_worker, wait_for


def live_findings() -> set[tuple[str, str]]:
    return set(Finding.objects.filter(status__in=[FindingStatus.OPEN, FindingStatus.EXPLAINED])
               .values_list("code", "subject_key"))


@pytest.fixture
def planted(transactional_db, region_astana, tmp_path):
    """A school with a pupil NOBD does not know (P02) and more pupils than contracted places (S05)."""
    school = make_school(region=region_astana, name="Worker school")
    make_licence(school)  # licensed for every level: no S01 in this scenario
    known = [make_enrolment(school=school, grade=2) for _ in range(3)]
    unknown = make_enrolment(school=school, grade=2)
    today = dt.date.today()  # the file transport's snapshot is taken today: the contract must be active today
    make_contract(school=school, places={"primary": 2}, start=today - dt.timedelta(days=60), end=today + dt.timedelta(days=200))
    path = write_csv(tmp_path / "nobd.csv", [nobd_row(e.pupil, school_bin=school.bin, grade=2) for e in known])
    env = {"NOBD_TRANSPORT": "file", "NOBD_FILE_PATH": str(path), "CHECK_RUN_LOCK_WAIT": "90"}
    return {"school": school, "unknown": unknown, "env": env}


@contextmanager
def table_locked(table: str):
    """Another session holds an exclusive lock on ``table``: whatever reads it waits."""
    blocker = connections.create_connection("default")
    blocker.connect()
    blocker.set_autocommit(False)
    try:
        with blocker.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield blocker
    finally:
        blocker.rollback()
        blocker.close()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
class KilledWorkerTests:
    def test_a_worker_killed_mid_run_loses_nothing_and_the_rerun_gives_the_same_findings(self, planted, operator_user):
        with running_worker(extra_env=planted["env"]) as worker:
            with table_locked("orders_contractlevel"):  # S05, the last rule, reads it: the run stops there
                run = check_pipeline_start(actor=operator_user, fetch=True)
                assert wait_for(lambda: CheckRun.objects.get(pk=run.pk).progress.get("current") == "S05", timeout=120)
                midway = CheckRun.objects.get(pk=run.pk)
                assert midway.status == CheckRunStatus.RUNNING and midway.snapshot is not None
                assert midway.progress["rules"]["P02"]["count"] == 1  # the earlier rules are done and committed
                child = psutil.Process(worker.pid).children()[0]
                child.kill()  # the process carrying out the task dies mid-way
                child.wait(timeout=30)
            # Celery delivers the task again (acks_late, reject on worker lost) to the new child.
            assert wait_for(lambda: CheckRun.objects.get(pk=run.pk).status != CheckRunStatus.RUNNING, timeout=180)
        run.refresh_from_db()
        assert run.status == CheckRunStatus.SUCCEEDED, run.error
        assert run.counts["P02"] == 1 and run.counts["S05"] == 1 and run.snapshot.row_count == 3
        school = planted["school"]
        expected = {("P02", f"enrolment:{planted['unknown'].pk}"), ("S05", f"school:{school.pk}:primary")}
        assert live_findings() == expected
        assert Finding.objects.count() == 2  # kept, not duplicated, by the second attempt
        assert CheckRun.objects.count() == 1 and run.snapshot_id == CheckRun.objects.get().snapshot_id
        # A clean run on the same snapshot finds exactly the same.
        again = check_run_now(trigger=CheckRunTrigger.COMMAND, snapshot=run.snapshot)
        assert live_findings() == expected and again.counts == run.counts


@contextmanager
def running_beat(*, extra_env: dict):
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "eqazyna.settings_test",
        "DATABASE_URL": workers.test_database_url(),
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
    })
    env.update(extra_env)
    celery = Path(sys.executable).with_name("celery")
    log = open(Path(settings.BASE_DIR) / ".data" / "test-beat.log", "ab")
    process = subprocess.Popen(
        [str(celery), "-A", "eqazyna", "beat", "--loglevel=INFO", "--pidfile=",
         f"--schedule={Path(settings.BASE_DIR) / '.data' / 'test-beat-schedule'}"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
class BeatTests:
    def test_beat_starts_the_nightly_job_and_a_worker_carries_it_out(self, planted):
        env = {**planted["env"], "NIGHTLY_CHECKS_CRONTAB": "* * * * *"}  # every minute instead of 02:00
        with running_worker(extra_env=env), running_beat(extra_env=env):
            assert wait_for(lambda: CheckRun.objects.filter(trigger=CheckRunTrigger.NIGHTLY,
                                                            status=CheckRunStatus.SUCCEEDED).exists(), timeout=200)
        run = CheckRun.objects.filter(trigger=CheckRunTrigger.NIGHTLY).order_by("id").first()
        assert run.snapshot is not None and run.counts["P02"] == 1 and run.counts["S05"] == 1
