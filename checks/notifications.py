"""E-mails about a check run: one per affected school and per department of an affected region
(in Kazakh and Russian), and one to the operators when a run fails."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from checks.engine import COUNTED_STATUSES
from checks.models import CheckRun, Finding
from core.roles import Role

logger = logging.getLogger(__name__)

EMAIL_LANGUAGES = ("kk", "ru")

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
