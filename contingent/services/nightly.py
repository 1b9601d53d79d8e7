"""The nightly job, and the run an operator starts from the page: fetch → import → checks → notify.

* ``check_pipeline_start`` records a run and queues it for a Celery worker; while another run
  is in progress it refuses, naming that run (a second trigger reports the running one).
* ``check_pipeline_execute`` (the worker) holds the check engine's lock for the whole run:
  it fetches the NOBD snapshot through the configured transport (``contingent.nobd``), loads
  it with ``nobd_import``, runs every check (``checks.engine``), then e-mails each affected
  school and each department of an affected region. It can be executed again for the same
  run: a worker killed mid-way loses nothing — Celery delivers the task again (``acks_late``),
  the fetch resumes from the pages already saved, a committed import is not repeated, and
  the checks give the same findings.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from checks.choices import CheckRunStatus, CheckRunTrigger
from checks.engine import COUNTED_STATUSES, LOCK_KEY, RunInProgress, check_run_execute
from checks.models import CheckRun, Finding
from contingent.choices import SnapshotStatus
from contingent.models import NobdSnapshot
from core.errors import DomainError, PermissionDeniedError
from core.roles import Role
from core.services import audit_record

logger = logging.getLogger(__name__)

START_LOCK = 730_122  # serialises starts, so that two triggers cannot both start a run
START_ROLES = {Role.OPERATOR, Role.ADMIN}
EMAIL_LANGUAGES = ("kk", "ru")


def _lock_held_elsewhere() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        acquired = cursor.fetchone()[0]
        if acquired:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    return not acquired


def run_in_progress() -> CheckRun | None:
    """The run now in progress: running with its process alive, or queued recently. None otherwise.

    A run left "running" by a process that died (no lock, no sign of life for
    ``CHECK_RUN_STALE_MINUTES``) does not count; the next run marks it failed.
    """
    running = list(CheckRun.objects.filter(status=CheckRunStatus.RUNNING).order_by("-started_at"))
    if not running:
        return None
    if _lock_held_elsewhere():
        return running[0]
    stale_before = timezone.now() - dt.timedelta(minutes=settings.CHECK_RUN_STALE_MINUTES)
    for run in running:
        heartbeat = run.progress.get("heartbeat") if isinstance(run.progress, dict) else None
        seen = dt.datetime.fromisoformat(heartbeat) if heartbeat else run.started_at
        if seen >= stale_before:
            return run
    return None


@transaction.atomic
def check_pipeline_start(*, actor=None, trigger: str = CheckRunTrigger.MANUAL, fetch: bool = False) -> CheckRun:
    """Queue a run: with ``fetch`` a fresh NOBD snapshot is fetched and loaded first; without it
    the checks run on the latest loaded snapshot. Refuses while another run is in progress."""
    if actor is None:
        if trigger == CheckRunTrigger.MANUAL:
            raise PermissionDeniedError(_("A run started by hand needs an operator."))
    elif not (actor.is_superuser or actor.role in START_ROLES):
        raise PermissionDeniedError(_("Only an operator may start a check run."))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [START_LOCK])
    current = run_in_progress()
    if current is not None:
        raise RunInProgress(
            _("Check run #%(id)s is already in progress (started %(started)s).")
            % {"id": current.pk, "started": timezone.localtime(current.started_at).strftime("%Y-%m-%d %H:%M")},
            details={"run_id": current.pk},
        )
    snapshot = None
    if not fetch:
        snapshot = NobdSnapshot.objects.filter(status=SnapshotStatus.READY).order_by("-taken_on", "-id").first()
    run = CheckRun.objects.create(
        check_date=snapshot.taken_on if snapshot else timezone.localdate(), snapshot=snapshot, trigger=trigger,
        started_by=actor if getattr(actor, "pk", None) else None, status=CheckRunStatus.RUNNING,
        progress={"stage": "queued", "fetch": fetch, "heartbeat": timezone.now().isoformat()},
    )
    audit_record(actor=actor, action="check_run_started", subject=run, to_status=run.status,
                 data={"trigger": trigger, "fetch": fetch, "snapshot": getattr(snapshot, "pk", None)})

    def enqueue():
        from contingent.tasks import run_check_pipeline

        run_check_pipeline.delay(run.pk)

    transaction.on_commit(enqueue)
    return run


def _stage(run: CheckRun, stage: str, **info) -> None:
    progress = dict(run.progress or {})
    progress.update(info)
    progress["stage"] = stage
    progress["heartbeat"] = timezone.now().isoformat()
    run.progress = progress
    CheckRun.objects.filter(pk=run.pk).update(progress=progress)


def _acquire_lock(wait_seconds: float) -> bool:
    """The engine's lock (held for the whole run); wait a little for a run that is ending."""
    deadline = time.monotonic() + wait_seconds
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if cursor.fetchone()[0]:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(1.0)


def _release_lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _fail(run: CheckRun, message: str) -> CheckRun:
    CheckRun.objects.filter(pk=run.pk, status=CheckRunStatus.RUNNING).update(
        status=CheckRunStatus.FAILED, finished_at=timezone.now(), error=message[:2000],
    )
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
    if not _acquire_lock(settings.CHECK_RUN_LOCK_WAIT):
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
            latest = NobdSnapshot.objects.filter(status=SnapshotStatus.READY).order_by("-taken_on", "-id").first()
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
    except DomainError as error:  # NOBD unavailable, a bad snapshot file, a pruned snapshot …
        return _fail(run, str(error) + "".join(f"\n{line}" for line in getattr(error, "lines", lambda: [])()[:50]))
    except Exception as error:
        _fail(run, f"{error.__class__.__name__}: {error}")
        raise
    finally:
        _release_lock()


# --- notifications ---------------------------------------------------------------------


def _run_link(run: CheckRun) -> str:
    with translation.override("kk"):
        return settings.SITE_URL.rstrip("/") + reverse("checks:run-detail", args=[run.pk])


def _render(template: str, context: dict) -> tuple[str, str]:
    """Subject and body in Kazakh and Russian, one after the other."""
    subjects, bodies = [], []
    for language in EMAIL_LANGUAGES:
        with translation.override(language):
            text = render_to_string(template, context).strip()
            subject, _sep, body = text.partition("\n")
            subjects.append(subject.strip())
            bodies.append(body.strip())
    return " / ".join(subjects), "\n\n— — —\n\n".join(bodies)


def _counts_by(run: CheckRun, key: str) -> dict:
    rows = (Finding.objects.filter(last_run=run, status__in=COUNTED_STATUSES)
            .values(key, "code").annotate(count=Count("id")).order_by(key, "code"))
    counts: dict = {}
    for row in rows:
        counts.setdefault(row[key], {})[row["code"]] = row["count"]
    new = (Finding.objects.filter(first_run=run, status__in=COUNTED_STATUSES)
           .values(key).annotate(count=Count("id")))
    return {group: {"codes": codes, "new": next((r["count"] for r in new if r[key] == group), 0)}
            for group, codes in counts.items()}


def notify_run(run: CheckRun) -> int:
    """One e-mail per affected school and one per department of an affected region; returns how many."""
    from accounts.models import User
    from core.models import Region
    from schools.models import School

    link = _run_link(run)
    messages = []
    by_school = _counts_by(run, "school_id")
    schools = School.objects.in_bulk(list(by_school))
    school_users: dict[int, list[str]] = {}
    for user in User.objects.filter(role=Role.SCHOOL, is_active=True, school_id__in=list(by_school)).exclude(email=""):
        school_users.setdefault(user.school_id, []).append(user.email)
    for school_id, summary in by_school.items():
        school = schools[school_id]
        recipients = sorted({*school_users.get(school_id, []), *([school.email] if school.email else [])})
        if not recipients:
            continue
        subject, body = _render("checks/runs/email_school.txt", {
            "run": run, "school": school, "codes": sorted(summary["codes"].items()), "total": sum(summary["codes"].values()),
            "new": summary["new"], "link": link,
        })
        messages.append(EmailMessage(subject, body, to=recipients))
    by_region = _counts_by(run, "school__region_id")
    regions = Region.objects.in_bulk(list(by_region))
    schools_per_region = dict(
        Finding.objects.filter(last_run=run, status__in=COUNTED_STATUSES)
        .values("school__region_id").annotate(count=Count("school_id", distinct=True)).values_list("school__region_id", "count")
    )
    region_users: dict[str, list[str]] = {}
    for user in User.objects.filter(role=Role.DEPARTMENT, is_active=True, region_id__in=list(by_region)).exclude(email=""):
        region_users.setdefault(user.region_id, []).append(user.email)
    for region_id, summary in by_region.items():
        recipients = sorted(set(region_users.get(region_id, [])))
        if not recipients:
            continue
        subject, body = _render("checks/runs/email_department.txt", {
            "run": run, "region": regions[region_id], "codes": sorted(summary["codes"].items()),
            "total": sum(summary["codes"].values()), "new": summary["new"], "schools": schools_per_region.get(region_id, 0),
            "link": link,
        })
        messages.append(EmailMessage(subject, body, to=recipients))
    if messages:
        get_connection().send_messages(messages)
    logger.info("check run %s: %s notification e-mail(s) sent", run.pk, len(messages))
    return len(messages)


def notify_failure(run: CheckRun) -> int:
    """Tell the operators that a run failed, and why."""
    from accounts.models import User

    recipients = sorted(set(User.objects.filter(role=Role.OPERATOR, is_active=True).exclude(email="").values_list("email", flat=True)))
    if not recipients:
        return 0
    subject, body = _render("checks/runs/email_failed.txt", {"run": run, "link": _run_link(run)})
    try:
        EmailMessage(subject, body, to=recipients).send()
    except Exception:  # noqa: BLE001 - a mail server down must not hide the run's own failure
        logger.exception("check run %s: could not e-mail the operators about the failure", run.pk)
        return 0
    return 1
