"""Reads of findings and check runs, always scoped to what the user may see."""

from __future__ import annotations

from checks.models import CheckRun, Finding


def finding_list(*, user, filters: dict | None = None):
    """Findings ``user`` may see (school: its own; department: its region; operator, monitor: all)."""
    queryset = Finding.objects.visible_to(user).select_related(
        "school", "school__region", "enrolment", "enrolment__pupil", "last_run", "closed_by_run", "status_changed_by"
    )
    if filters is not None:
        from checks.filters import FindingFilterSet

        queryset = FindingFilterSet(filters, queryset=queryset).qs
    return queryset


def finding_get(*, user, pk) -> Finding:
    """One visible finding, or ``Finding.DoesNotExist``."""
    return finding_list(user=user).select_related("first_run", "closed_by_run").get(pk=pk)


def check_run_list(*, user, filters: dict | None = None):
    queryset = CheckRun.objects.visible_to(user).select_related("snapshot", "started_by")
    if filters is not None:
        from checks.filters import CheckRunFilterSet

        queryset = CheckRunFilterSet(filters, queryset=queryset).qs
    return queryset
