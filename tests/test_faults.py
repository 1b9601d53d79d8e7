"""Faults (issue 11, deliverable 5), on the real PostgreSQL, Redis and Celery worker processes.

* PostgreSQL restarts while API writes arrive: each request is written whole or answered 503, the
  next ones succeed; and while a nightly run is in progress: the run resumes and finds the same.
* Redis restarts with a task queued: the task is not lost. Redis is down when a change asks for a
  task: the change commits, and the task (kept by the outbox) is carried out once Redis is back.
* A worker is killed in the middle of each long contingent task (checking, then merging a file):
  the task is delivered again and its work is done once. (The nightly run: tests/checks/test_pipeline_worker.py.)
"""

import datetime as dt
import threading
from contextlib import contextmanager

import psutil
import pytest
from django.db import close_old_connections, connection, connections, transaction
from rest_framework.test import APIClient

from checks.choices import CheckRunStatus
from checks.models import CheckRun, Finding
from checks.pipeline import check_pipeline_start
from contingent.choices import ImportStatus
from contingent.models import ContingentImport, Enrolment
from core.db import DATABASE_OUTAGE
from core.models import AuditEvent, WorkerHeartbeat
from core.tasks import heartbeat
from eqazyna import embedded
from tests.checks.test_pipeline_worker import live_findings, planted  # noqa: F401
from tests.contingent.factories import birth_for_grade, iin_for
from tests.contingent.test_tasks import upload
from tests.workers import running_worker, wait_for


def postgres_restart() -> None:
    """Restart the embedded PostgreSQL ("fast": every session is ended, as in a real restart)."""
    import os

    from pgserver._commands import pg_ctl

    with connection.cursor() as cursor:
        # The shutdown checkpoint is then short, even after a busy test run. The portal's role may not
        # checkpoint: the session's own (administrator) user does, on a connection closed right after.
        cursor.execute("SET ROLE NONE")
        cursor.execute("CHECKPOINT")
    connection.close()
    pg_ctl(["-w", "-t", "300", "-m", "fast", "restart"], pgdata=embedded.data_dir() / "postgres",
           user="pgserver" if os.geteuid() == 0 else None)
    embedded.postgres_settings()  # waits until it answers
    connection.close()  # this thread's session ended with the restart


def redis_restart() -> None:
    embedded.redis_stop()  # SHUTDOWN SAVE: what a clean restart does
    embedded.redis_socket()  # starts it again on the same socket, from its append-only file


@contextmanager
def table_locked(table: str):
    """Another session holds an exclusive lock on ``table``: whatever reads it waits (it may be ended by a restart)."""
    blocker = connections.create_connection("default")
    blocker.connect()
    blocker.set_autocommit(False)
    try:
        with blocker.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield
    finally:
        try:
            blocker.rollback()
        except DATABASE_OUTAGE:
            pass  # the session was ended by a restart: its lock went with it
        finally:
            blocker.close()


def someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def kill_the_task_process(worker) -> None:
    child = psutil.Process(worker.pid).children()[0]
    child.kill()
    child.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
class PostgresRestartTests:
    def test_api_writes_during_a_restart_are_whole_or_503_and_the_next_ones_succeed(self, school_user):
        answers, stop = [], threading.Event()

        def write():
            client = APIClient(raise_request_exception=False)
            client.force_authenticate(school_user)
            try:
                n = 0
                while not stop.is_set():
                    n += 1
                    birth = birth_for_grade(3)
                    body = {"iin": iin_for(birth), "last_name": f"Ким{n}", "first_name": "Ли", "birth_date": birth.isoformat(),
                            "grade": 3, "enrolled_on": "2025-09-01"}
                    response = client.post("/api/v1/enrolments/", body, format="json")
                    answers.append((response.status_code, response.get("Retry-After")))
                    # What the real handler does at the end of every request (the test client skips it):
                    # a connection that failed is closed, and the next request opens a new one.
                    close_old_connections()
            finally:
                connections.close_all()

        writer = threading.Thread(target=write)
        writer.start()
        try:
            assert wait_for(lambda: len(answers) >= 3, timeout=60)
            postgres_restart()
            restarted_at = len(answers)
            assert wait_for(lambda: [code for code, _ in answers[restarted_at:]].count(201) >= 3, timeout=60), answers[-5:]
        finally:
            stop.set()
            writer.join(timeout=60)
        assert {answer for answer in answers if answer[0] != 201} <= {(503, "30")}, answers
        assert (503, "30") in answers  # some requests did meet the restart
        written = Enrolment.objects.count()
        assert written == AuditEvent.objects.filter(action="enrolment_added").count()  # nothing half-written
        assert [code for code, _ in answers].count(201) <= written <= len(answers)

    @pytest.mark.worker
    def test_a_nightly_run_interrupted_by_a_restart_resumes_and_finds_the_same(self, planted, operator_user):  # noqa: F811
        with running_worker(extra_env=planted["env"]):
            with table_locked("orders_contractlevel"):  # S05, the last rule, reads it: the run waits there
                run = check_pipeline_start(actor=operator_user, fetch=True)
                assert wait_for(lambda: CheckRun.objects.get(pk=run.pk).progress.get("current") == "S05", timeout=120)
                postgres_restart()
            assert wait_for(lambda: CheckRun.objects.get(pk=run.pk).status != CheckRunStatus.RUNNING, timeout=180)
        run.refresh_from_db()
        assert run.status == CheckRunStatus.SUCCEEDED, run.error
        school = planted["school"]
        assert live_findings() == {("P02", f"enrolment:{planted['unknown'].pk}"), ("S05", f"school:{school.pk}:primary")}
        assert Finding.objects.count() == 2 and CheckRun.objects.count() == 1


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
class RedisRestartTests:
    def test_a_task_queued_before_a_restart_is_carried_out_after_it(self):
        from tests.workers import purge_queue

        purge_queue()
        with transaction.atomic():
            transaction.on_commit(lambda: heartbeat.delay("queued-before-restart"))
        redis_restart()
        heartbeat.delay("queued-after-restart")  # the portal's own connection to the broker recovers too
        with running_worker(purge=False):
            assert wait_for(lambda: WorkerHeartbeat.objects.filter(name__startswith="queued-").count() == 2, timeout=90)


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
class RedisDownTests:
    def test_an_upload_committed_while_redis_is_down_is_checked_once_it_is_back_and_only_once(self, school_user, settings):
        """The enqueue goes through the outbox (core/outbox.py): the upload commits with its task kept,
        and a worker that starts once Redis is back relays it; the check is done once."""
        from contingent.services.imports import contingent_upload
        from core.models import OutboxTask
        from core.outbox import relay
        from tests.workers import purge_queue

        settings.IMPORT_INLINE_MAX_BYTES = 0  # the check goes to a task
        purge_queue()
        embedded.redis_stop()
        try:
            record = contingent_upload(school=school_user.school, actor=school_user, upload=upload(3))
            kept = OutboxTask.objects.get(name="contingent.tasks.check_upload")
            assert kept.sent_at is None and kept.last_error  # the broker refused it at commit
        finally:
            embedded.redis_socket()
        assert ContingentImport.objects.get(pk=record.pk).status == ImportStatus.CHECKING  # the upload committed
        with running_worker(purge=False):  # a starting worker relays what the outbox holds
            assert wait_for(lambda: ContingentImport.objects.get(pk=record.pk).status == ImportStatus.PENDING, timeout=120)
            kept.refresh_from_db()
            assert kept.sent_at is not None and wait_for(lambda: OutboxTask.objects.get(pk=kept.pk).done_at is not None, timeout=30)
            assert relay() == 0  # nothing left to send: no second delivery
        assert AuditEvent.objects.filter(object_id=str(record.pk), action="contingent_checked").count() == 1


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
class KilledContingentTaskTests:
    def test_a_worker_killed_while_checking_and_while_merging_a_file_loses_nothing_and_merges_once(self, school_user, settings):
        settings.IMPORT_INLINE_MAX_BYTES = 0  # the upload goes to the tasks
        client = APIClient()
        client.force_authenticate(school_user)

        def status(pk):
            return ContingentImport.objects.get(pk=pk).status

        with running_worker() as worker:
            with table_locked("contingent_enrolment"):  # both tasks read the portal's enrolments
                created = client.post("/api/v1/contingent-imports/", {"file": upload(3)}, format="multipart")
                assert created.status_code == 202, created.content
                pk = created.json()["id"]
                assert wait_for(someone_waits_for_a_lock, timeout=90)
                kill_the_task_process(worker)
            assert wait_for(lambda: status(pk) == ImportStatus.PENDING, timeout=180), status(pk)
            with table_locked("contingent_enrolment"):
                assert client.post(f"/api/v1/contingent-imports/{pk}/confirm/").status_code == 202
                assert wait_for(someone_waits_for_a_lock, timeout=90)
                kill_the_task_process(worker)
            assert wait_for(lambda: status(pk) == ImportStatus.APPLIED, timeout=180), status(pk)
        assert Enrolment.objects.count() == 3
        assert AuditEvent.objects.filter(object_id=str(pk), action="contingent_checked").count() == 1
        assert AuditEvent.objects.filter(object_id=str(pk), action="contingent_imported").count() == 1
        assert dt.date(2025, 9, 1) in set(Enrolment.objects.values_list("enrolled_on", flat=True))
