from celery import shared_task


@shared_task(name="payments.tasks.detect_recoveries")
def detect_recoveries(run_id: int | None = None) -> int:
    """After a check run: record recoveries for paid lines that now have a blocking finding."""
    from checks.models import CheckRun
    from payments.services import recoveries_detect

    run = CheckRun.objects.filter(pk=run_id).first() if run_id is not None else None
    return recoveries_detect(run=run)
