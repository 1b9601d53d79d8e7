"""Reads of orders, applications and contracts, always through the central scoping."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, F, Prefetch, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from core.scoping import scope_queryset
from orders.choices import OrderStatus
from orders.models import (
    Application,
    ApplicationLevel,
    Contract,
    ContractDocument,
    ContractLevel,
    StateOrder,
    StateOrderLevel,
)


def level_order():
    """Norm categories in their natural order (levels in teaching order) for ORDER BY, not alphabetically."""
    from programmes.instruments import FIXED_CATEGORY_LABELS

    keys = list(FIXED_CATEGORY_LABELS)
    return Case(*[When(level=key, then=Value(index)) for index, key in enumerate(keys)], default=Value(len(keys)))


def _levels(model):
    return Prefetch("levels", queryset=model.objects.order_by(level_order()))


def order_list(*, user, filters: dict | None = None):
    queryset = (StateOrder.objects.visible_to(user).select_related("region", "programme")
                .prefetch_related(_levels(StateOrderLevel)))
    if filters is not None:
        from orders.filters import StateOrderFilterSet

        queryset = StateOrderFilterSet(filters, queryset=queryset).qs
    return queryset


def open_orders_for_school(*, user):
    """Published orders the school may look at (its region), newest first."""
    return order_list(user=user).filter(status=OrderStatus.PUBLISHED)


def application_list(*, user, filters: dict | None = None):
    queryset = (
        Application.objects.visible_to(user)
        .select_related("order", "order__region", "order__programme", "school", "contract")
        .prefetch_related(_levels(ApplicationLevel))
        .order_by("order_id", "submitted_at", "id")
    )
    if filters is not None:
        from orders.filters import ApplicationFilterSet

        queryset = ApplicationFilterSet(filters, queryset=queryset).qs
    return queryset


def contract_list(*, user, filters: dict | None = None):
    queryset = (
        Contract.objects.visible_to(user)
        .select_related("order", "order__region", "order__programme", "school", "application")
        # The documents' versions and hashes, never their content (a contract's text, for each version).
        .prefetch_related(_levels(ContractLevel), "signatures",
                          Prefetch("documents", queryset=ContractDocument.objects.defer("content")))
    )
    if filters is not None:
        from orders.filters import ContractFilterSet

        queryset = ContractFilterSet(filters, queryset=queryset).qs
    return queryset


# --- the public queue -------------------------------------------------------------------

def public_orders():
    """Orders as anyone (anonymous) sees them: published and closed, never drafts."""
    return scope_queryset(StateOrder.objects.all(), AnonymousUser()).select_related("region", "programme").prefetch_related(_levels(StateOrderLevel))


def queue_entries(*, filters: dict | None = None):
    """The public application queue: by order, then submission time to the microsecond.

    ``position`` is the place in the order's queue (1 = first submitted). Only what the
    public may see: school names, places, status and times; never who submitted.
    """
    queryset = (
        scope_queryset(Application.objects.all(), AnonymousUser())
        .select_related("order", "order__region", "school")
        .prefetch_related(_levels(ApplicationLevel))
        .annotate(position=Window(RowNumber(), partition_by=[F("order_id")], order_by=[F("submitted_at").asc(), F("id").asc()]))
        .order_by("order_id", "submitted_at", "id")
    )
    if filters is not None:
        from orders.filters import QueueFilterSet

        queryset = QueueFilterSet(filters, queryset=queryset).qs
    return queryset


def queue_position(*, application) -> tuple[int, int]:
    """(place of ``application`` in its order's public queue, applications in that queue): the queue's
    own ordering (``queue_entries``), so that the page and the public queue never disagree."""
    positions = dict(queue_entries().filter(order_id=application.order_id).values_list("pk", "position"))
    return positions.get(application.pk, 0), len(positions)


def application_context(*, user, application) -> dict:
    """What a department weighs when it decides ``application``, each read scoped to ``user``.

    ``position``/``queue_size``: the place in the order's queue; ``licences``: the school's licences,
    each with the requested categories it covers on the first day of service (``schools.rules``);
    ``uncovered``: requested levels no active licence covers then; ``capacity``: the licensed capacity
    and the places requested; ``findings``: the school's live findings by severity.
    """
    from checks.choices import LIVE_STATUSES
    from checks.selectors import finding_list
    from schools.choices import Level
    from schools.rules import licence_covers
    from schools.selectors import school_licences

    school, order = application.school, application.order
    position, size = queue_position(application=application)
    requested = list(application.levels.all())
    day = order.service_start
    licences = list(school_licences(user=user, school=school))
    levels = [row.level for row in requested if row.level in Level.values]  # other programmes' categories need no licence
    covered = {level for level in levels for licence in licences
               if licence_covers(status=licence.status, issued_on=licence.issued_on, levels=licence.levels, level=level, day=day)}
    findings = finding_list(user=user).filter(school=school, status__in=LIVE_STATUSES)
    by_severity = {row["severity"]: row["count"] for row in findings.values("severity").annotate(count=Count("id"))}
    return {
        "position": position, "queue_size": size, "licences": licences, "licence_day": day,
        "uncovered": [row for row in requested if row.level in levels and row.level not in covered],
        "capacity": school.capacity, "requested_places": sum(row.requested_places for row in requested),
        "findings_by_severity": by_severity, "findings_total": sum(by_severity.values()),
    }


# --- the S01–S03 application block --------------------------------------------------------

def blocking_codes() -> tuple[str, ...]:
    """The finding codes that stop a school applying: S01 (licence), S02 (activity), S03 (unreliable supplier)."""
    from checks.choices import FindingCode

    return (FindingCode.S01, FindingCode.S02, FindingCode.S03)


def blocking_findings(*, school):
    """Open error findings on S01–S03 of ``school``: while any exists the school may not apply."""
    from checks.blocking import blocking_q
    from checks.models import Finding

    return (
        Finding.objects.filter(blocking_q(), school=school, code__in=blocking_codes())
        .select_related("last_run", "school")
        .order_by("code", "level", "id")
    )


def finding_explanation(finding) -> str:
    """One blocking finding in one line: the code, then its rule's own explanation (``checks.explanations``:
    the one home of what a finding says), then which check found it."""
    from checks.explanations import explain

    words = explain(finding)
    text = f"{finding.code} — " + " ".join(part for part in (words.summary, words.advice) if part)
    if finding.last_run_id:
        text += " " + _("(found by the check of %(date)s, finding #%(id)s)") % {
            "date": finding.last_run.check_date.strftime("%d.%m.%Y"), "id": finding.pk}
    return text
