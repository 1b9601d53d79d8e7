import pytest

from checks.services import check_run_now


@pytest.mark.django_db
class RecoveryWiringTests:
    def test_a_successful_check_run_enqueues_recovery_detection_after_commit(self, tasks_sent, django_capture_on_commit_callbacks):
        from payments import tasks

        with django_capture_on_commit_callbacks(execute=True):
            run = check_run_now()
        assert [args for name, args in tasks_sent if name == tasks.detect_recoveries.name] == [(run.pk,)]
