"""Reads for the check-run pages: runs, and the findings of a run as far as the user may see them."""

from __future__ import annotations

from django.db.models import Count

from checks.choices import FindingCode
from checks.engine import COUNTED_STATUSES
from checks.models import CheckRun, Finding


def run_list(*, user):
    return CheckRun.objects.visible_to(user).select_related("snapshot", "started_by").order_by("-started_at", "-id")


def run_get(*, user, pk) -> CheckRun:
    return run_list(user=user).get(pk=pk)


def run_counts_for(*, run: CheckRun, user) -> list[tuple[str, str, int]]:
    """(code, label, open findings of this run) for every code, within what ``user`` may see."""
    rows = dict(
        Finding.objects.visible_to(user).filter(last_run=run, status__in=COUNTED_STATUSES)
        .values("code").annotate(count=Count("id")).values_list("code", "count")
    )
    return [(code, label, rows.get(code, 0)) for code, label in FindingCode.choices]
