"""Reactions of the payments app to events elsewhere."""

from django.dispatch import receiver

from checks.signals import check_run_succeeded


@receiver(check_run_succeeded, dispatch_uid="payments.detect_recoveries_after_check_run")
def detect_recoveries_after_check_run(sender, run, **kwargs):
    """A finished check run may find errors on lines already paid: detect recoveries in a worker."""
    from payments.services import recoveries_detect_enqueue

    recoveries_detect_enqueue(run=run)
