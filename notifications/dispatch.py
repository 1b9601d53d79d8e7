"""What makes notifications: recorded events, check runs and deadlines.

* ``audit_event_notify`` — one audit event (``events.EVENT_RULES`` says who is told);
* ``audit_events_sweep`` — the notifying audit events of the last day, again: events recorded in
  bulk (recoveries) or whose message was lost are told; the others are already there (one key per
  event and user);
* ``new_findings_notify`` — a check run's new findings, per school and per region;
* ``deadline_reminders`` — acts due within 3 days or overdue (submission by the school, review by
  the department), from the deadlines of ``acts`` (``open_act_months``, ``Act.review_due_on``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from core.models import AuditEvent
from notifications.choices import NotificationKind as Kind
from notifications.events import DEPARTMENT, EVENT_RULES, NOTIFYING_ACTIONS, SCHOOL, audience_q, names, subject_of
from notifications.services import notify

REMIND_DAYS = 3
SWEEP_HOURS = 26


def audit_event_notify(*, event: AuditEvent) -> list[int]:
    model = event.content_type.model_class()
    if model is None:
        return []
    rule = EVENT_RULES.get((f"{model._meta.app_label}.{model.__name__}", event.action))
    if rule is None:
        return []
    subject = subject_of(event)
    if subject is None:
        return []
    users = audience_q(rule.audience, school_id=subject.school_id, region_id=subject.region_id)
    if event.actor_id:
        users &= ~Q(pk=event.actor_id)  # nobody is told what they did themselves
    params = {**subject.params, **({"reason": event.reason} if event.reason else {})}
    return notify(kind=rule.kind, key=f"audit:{event.pk}", users=users, params=params,
                  url_name=subject.url_name, url_args=subject.url_args)


def audit_events_sweep(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    events = (AuditEvent.objects.filter(created_at__gte=now - dt.timedelta(hours=SWEEP_HOURS), action__in=NOTIFYING_ACTIONS)
              .select_related("content_type").order_by("id"))
    return sum(len(audit_event_notify(event=event)) for event in events.iterator())


def new_findings_notify(*, run) -> int:
    """Tell each school its new findings of ``run``, and each region's department those of its schools."""
    from checks.choices import LIVE_STATUSES
    from checks.models import Finding
    from core.models import Region
    from schools.models import School

    new = Finding.objects.filter(first_run=run, status__in=LIVE_STATUSES)
    created = 0
    base = {"run": run.pk, "date": run.check_date.isoformat()}
    schools = {school.pk: school for school in School.objects.filter(pk__in=new.values("school_id"))}
    regions = Region.objects.in_bulk(list(new.values_list("school__region_id", flat=True).distinct()))
    for row in new.values("school_id").annotate(count=Count("id")).order_by("school_id"):
        created += len(notify(
            kind=Kind.NEW_FINDINGS, key=f"findings:{run.pk}:school:{row['school_id']}",
            users=audience_q((SCHOOL,), school_id=row["school_id"], region_id=None),
            params={**base, "count": row["count"], "subject": names(schools[row["school_id"]])},
            url_name="checks:finding-list", url_query=f"run={run.pk}"))
    for row in new.values("school__region_id").annotate(count=Count("id")).order_by("school__region_id"):
        created += len(notify(
            kind=Kind.NEW_FINDINGS, key=f"findings:{run.pk}:region:{row['school__region_id']}",
            users=audience_q((DEPARTMENT,), school_id=None, region_id=row["school__region_id"]),
            params={**base, "count": row["count"], "subject": names(regions[row["school__region_id"]])},
            url_name="checks:finding-list", url_query=f"run={run.pk}&region={row['school__region_id']}"))
    return created


def deadline_reminders(*, today: dt.date | None = None) -> int:
    """Acts due within ``REMIND_DAYS`` days, and acts overdue: told once each (the key names the deadline)."""
    from acts.choices import ActStatus
    from acts.models import Act
    from acts.selectors import open_act_months
    from orders.models import Contract

    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=REMIND_DAYS)
    created = 0
    months = [row for row in open_act_months(user=None, today=horizon) if row.due_on <= horizon]
    contracts = Contract.objects.select_related("school").in_bulk({row.contract_id for row in months})
    for row in months:
        contract = contracts[row.contract_id]
        kind, step = (Kind.DEADLINE_OVERDUE, "overdue") if row.due_on < today else (Kind.DEADLINE_SOON, "soon")
        created += len(notify(
            kind=kind, key=f"due:{step}:act:{row.contract_id}:{row.month:%Y-%m}",
            users=audience_q((SCHOOL,), school_id=contract.school_id, region_id=None),
            params={"step": "submission", "contract": row.contract_number, "month": row.month.isoformat(),
                    "due": row.due_on.isoformat(), "school": names(contract.school)},
            url_name="acts:list"))
    reviews = (Act.objects.filter(status=ActStatus.SUBMITTED, review_due_on__lte=horizon)
               .select_related("contract__order", "school"))
    for act in reviews.iterator():
        kind, step = (Kind.DEADLINE_OVERDUE, "overdue") if act.review_due_on < today else (Kind.DEADLINE_SOON, "soon")
        created += len(notify(
            kind=kind, key=f"due:{step}:review:{act.pk}:{act.review_due_on:%Y-%m-%d}",
            users=audience_q((DEPARTMENT,), school_id=None, region_id=act.contract.order.region_id),
            params={"step": "review", "act": act.number, "due": act.review_due_on.isoformat(), "school": names(act.school)},
            url_name="acts:detail", url_args=(act.pk,)))
    return created
