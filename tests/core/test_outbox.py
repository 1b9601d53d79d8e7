"""The transactional outbox (core/outbox.py): a task asked for by a change is sent when the change
commits, kept while the broker is away and relayed once it is back; never sent for a change that
rolled back, never carried out twice."""

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

from core.models import OutboxTask, WorkerHeartbeat
from core.outbox import enqueue, relay
from core.tasks import heartbeat


class Rollback(Exception):
    pass


@pytest.fixture
def broker(monkeypatch):
    """A broker that can be taken away: ``broker.sent`` lists what it accepted, ``broker.up`` switches it."""

    class Broker:
        up = True
        sent: list = []

        def send(self, row):
            if not self.up:
                raise BrokerUnavailable("Error 111 connecting to the Redis socket. Connection refused.")
            self.sent.append((row.name, tuple(row.args), str(row.task_id)))

    fake = Broker()
    fake.sent = []
    monkeypatch.setattr("core.outbox.broker_send", fake.send)
    return fake


@pytest.mark.django_db(transaction=True)
class OutboxTests:
    def test_a_task_asked_for_by_a_rolled_back_change_is_neither_kept_nor_sent(self, broker):
        with pytest.raises(Rollback), transaction.atomic():
            enqueue(heartbeat, "rolled-back")
            raise Rollback
        assert not OutboxTask.objects.exists() and broker.sent == []

    def test_a_committed_task_is_sent_at_commit_with_its_row_as_task_id(self, broker):
        with transaction.atomic():
            row = enqueue(heartbeat, "committed")
            assert broker.sent == []  # not before the commit
        assert broker.sent == [("core.tasks.heartbeat", ("committed",), str(row.task_id))]
        row.refresh_from_db()
        assert row.sent_at is not None and row.attempts == 1
        assert relay() == 0 and len(broker.sent) == 1  # nothing left for the relay

    def test_a_task_the_broker_refuses_at_commit_is_kept_and_relayed_once_it_is_back(self, broker):
        broker.up = False
        with transaction.atomic():
            WorkerHeartbeat.objects.create(name="the change", seen_at="2025-09-01T00:00Z")
            first = enqueue(heartbeat, "first")
            second = enqueue(heartbeat, "second")
        assert WorkerHeartbeat.objects.filter(name="the change").exists()  # the change committed all the same
        first.refresh_from_db()
        assert first.sent_at is None and "Connection refused" in first.last_error
        assert relay() == 0  # still away: the relay stops at the first failure, and keeps both
        broker.up = True
        assert relay() == 2 and relay() == 0
        assert [args for _name, args, _id in broker.sent] == [("first",), ("second",)]  # once each, oldest first
        assert not OutboxTask.objects.filter(sent_at__isnull=True).exists()
        assert OutboxTask.objects.get(pk=second.pk).attempts == 2

    def test_a_task_carried_out_once_is_skipped_when_delivered_again(self, broker):
        with transaction.atomic():
            row = enqueue(heartbeat, "once")
        heartbeat.apply(args=("once",), task_id=str(row.task_id))  # the worker's run: the row is marked done
        row.refresh_from_db()
        assert row.done_at is not None
        WorkerHeartbeat.objects.all().delete()
        heartbeat.apply(args=("once",), task_id=str(row.task_id))  # the same message again (sent twice)
        assert not WorkerHeartbeat.objects.exists()

    def test_a_database_outage_before_the_task_begins_retries_it_instead_of_failing_it(self, broker, monkeypatch):
        """The duplicate check reads the database before the task's own body (and its autoretry) runs: a
        restart at that moment once failed the nightly run's task and left the run "running"."""
        from celery.exceptions import Retry
        from django.db import OperationalError

        from core import outbox

        with transaction.atomic():
            row = enqueue(heartbeat, "after the restart")

        def away(task_id):
            raise OperationalError("the database system is shutting down")

        monkeypatch.setattr(outbox, "_done", away)
        with pytest.raises(Retry):
            heartbeat.apply(args=("after the restart",), task_id=str(row.task_id), throw=True)
        assert not WorkerHeartbeat.objects.filter(name="after the restart").exists()

    def test_a_task_not_from_the_outbox_runs_as_before(self):
        heartbeat.apply(args=("beat",))
        assert WorkerHeartbeat.objects.filter(name="beat").exists()


def test_every_task_of_the_portal_is_outbox_aware():
    """A task with its own base class must still derive from ``OutboxAwareTask`` (else a second
    delivery of it would run again)."""
    from core.outbox import OutboxAwareTask
    from eqazyna.celery import app

    app.loader.import_default_modules()  # what a worker imports: every app's tasks
    tasks = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "contingent.tasks.check_upload" in tasks and "checks.tasks.run_check_pipeline" in tasks
    assert [name for name, task in tasks.items() if not isinstance(task, OutboxAwareTask)] == []
