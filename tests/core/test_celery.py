import pytest
from django.db import transaction

from core.models import WorkerHeartbeat
from core.tasks import heartbeat
from tests.workers import running_worker, wait_for


class Rollback(Exception):
    pass


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
class CeleryOnCommitTests:
    def test_real_worker_runs_a_task_enqueued_by_a_committed_transaction_and_none_for_a_rolled_back_one(self):
        with running_worker():
            with pytest.raises(Rollback), transaction.atomic():
                transaction.on_commit(lambda: heartbeat.delay("rolled-back"))
                raise Rollback
            with transaction.atomic():
                transaction.on_commit(lambda: heartbeat.delay("committed"))
                assert not WorkerHeartbeat.objects.filter(name="committed").exists()  # not before commit
            assert wait_for(lambda: WorkerHeartbeat.objects.filter(name="committed").exists(), timeout=90)
        # The queue is FIFO and the committed task has run: a rolled-back one would have run before it.
        assert not WorkerHeartbeat.objects.filter(name="rolled-back").exists()
