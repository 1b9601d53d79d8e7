import pytest

from checks.services import check_run_now


@pytest.mark.django_db
class RecoveryWiringTests:
    def test_a_successful_check_run_enqueues_recovery_detection_after_commit(self, monkeypatch, django_capture_on_commit_callbacks):
        from payments import tasks

        sent = []
        monkeypatch.setattr(tasks.detect_recoveries, "delay", lambda run_id: sent.append(run_id))
        with django_capture_on_commit_callbacks(execute=True):
            run = check_run_now()
        assert sent == [run.pk]
