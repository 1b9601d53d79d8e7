"""The check-run pipeline: trigger → (fetch → import) → checks → notify, for the nightly job and the
operators' page and API.

* ``check_pipeline_start`` records a run (``checks.services.check_run_create``: refused while
  another run is in progress, naming it) and queues it for a Celery worker after commit
  (``checks.tasks.run_check_pipeline``).
* ``check_pipeline_execute`` (the worker) holds the run lock (``core.locks.CHECK_RUN_LOCK``) for
  the whole run: it fetches the NOBD snapshot through the configured transport, loads it with
  ``nobd_import``, runs every check (``checks.engine``), then e-mails each affected school and each
  department of an affected region (``checks.notifications``). It can be executed again for the
  same run: a worker killed mid-way loses nothing — Celery delivers the task again (``acks_late``),
  the fetch resumes from the pages already saved, a committed import is not repeated, and the
  checks give the same findings.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from checks.choices import CheckRunStatus, CheckRunTrigger
from checks.engine import check_run_execute
from checks.models import CheckRun
from checks.notifications import notify_failure, notify_run
from checks.runs import heartbeat, run_fail
from checks.services import check_run_create, latest_ready_snapshot
from core.db import DATABASE_OUTAGE
from core.errors import DomainError, PermissionDeniedError
from core.locks import CHECK_RUN_LOCK
from core.outbox import enqueue
from core.scoping import require

logger = logging.getLogger(__name__)


@transaction.atomic
def check_pipeline_start(*, actor=None, trigger: str = CheckRunTrigger.MANUAL, fetch: bool = False) -> CheckRun:
    """Queue a run: with ``fetch`` a fresh NOBD snapshot is fetched and loaded first; without it
    the checks run on the latest loaded snapshot. Refuses while another run is in progress."""
    if actor is None:
        if trigger == CheckRunTrigger.MANUAL:
            raise PermissionDeniedError(_("A run started by hand needs an operator."))
    else:
        require(actor, "start", CheckRun)
    run = check_run_create(actor=actor, trigger=trigger, latest_snapshot=not fetch,
                           progress={"stage": "queued", "fetch": fetch})

    from checks.tasks import run_check_pipeline

    enqueue(run_check_pipeline, run.pk)
    return run


def _stage(run: CheckRun, stage: str, **info) -> None:
    heartbeat(run, stage=stage, **info)


def _fail(run: CheckRun, message: str) -> CheckRun:
    run_fail(run, message)
    run.refresh_from_db()
    logger.error("check run %s failed: %s", run.pk, message)
    notify_failure(run)
    return run


def check_pipeline_execute(*, run_id: int) -> CheckRun | None:
    """Carry out a queued run (the Celery task). Safe to execute again for the same run."""
    from contingent.services.nobd import nobd_import
    from integrations.nobd import get_transport

    run = CheckRun.objects.filter(pk=run_id).first()
    if run is None or run.status != CheckRunStatus.RUNNING:
        logger.info("check run %s is not waiting to run (%s); nothing to do", run_id, getattr(run, "status", "missing"))
        return run
    if not CHECK_RUN_LOCK.acquire(settings.CHECK_RUN_LOCK_WAIT):
        return _fail(run, _("Another check run kept the lock; this one did not start."))
    try:
        run.refresh_from_db()
        if run.status != CheckRunStatus.RUNNING:  # finished or failed meanwhile
            return run
        if run.snapshot_id is None and run.progress.get("fetch"):
            transport = get_transport()
            _stage(run, "fetch", transport=transport.name)
            fetched = transport.fetch(progress=lambda info: _stage(run, "fetch", **{k: v for k, v in info.items() if k != "stage"}))
            _stage(run, "import")
            with transaction.atomic():
                snapshot = nobd_import(path=fetched.path, taken_on=fetched.taken_on, source=fetched.source)
                CheckRun.objects.filter(pk=run.pk).update(snapshot=snapshot, check_date=snapshot.taken_on)
            run.refresh_from_db()
            transport.clean_up(fetched)
        elif run.snapshot_id is None:
            latest = latest_ready_snapshot()
            if latest is not None:
                CheckRun.objects.filter(pk=run.pk).update(snapshot=latest, check_date=latest.taken_on)
                run.refresh_from_db()
        _stage(run, "checks")
        run = check_run_execute(run=run)
        if not run.progress.get("notified"):
            _stage(run, "notify")
            sent = notify_run(run)
            _stage(run, "done", notified=True, emails=sent)
        return run
    except DATABASE_OUTAGE:
        raise  # the database went away: the task is retried and resumes this run (checks.tasks)
    except DomainError as error:  # NOBD unavailable, a bad snapshot file, a pruned snapshot …
        return _fail(run, str(error) + "".join(f"\n{line}" for line in getattr(error, "lines", lambda: [])()[:50]))
    except Exception as error:
        _fail(run, f"{error.__class__.__name__}: {error}")
        raise
    finally:
        CHECK_RUN_LOCK.release()
