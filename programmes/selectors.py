"""Reads of the programme catalogue, always through the central scoping."""

from __future__ import annotations

from django.db.models import Prefetch

from core.scoping import scope_queryset
from programmes.choices import ProgrammeStatus
from programmes.models import Programme, ProgrammeNorm, ProgrammeTerm


def programme_list(*, user, filters: dict | None = None):
    queryset = (Programme.objects.visible_to(user).select_related("region")
                .prefetch_related(Prefetch("norms", queryset=ProgrammeNorm.objects.order_by("position", "key")),
                                  Prefetch("terms", queryset=ProgrammeTerm.objects.order_by("start"))))
    if filters is not None:
        from programmes.filters import ProgrammeFilterSet

        queryset = ProgrammeFilterSet(filters, queryset=queryset).qs
    return queryset


def programmes_for_calls(*, user):
    """Active programmes under which ``user`` (a department) may announce a call: national or of its region."""
    return programme_list(user=user).filter(status=ProgrammeStatus.ACTIVE)


def enabled_finding_codes() -> set[str]:
    """Finding codes that at least one active programme runs (the engine skips extension codes no one runs)."""
    codes: set[str] = set()
    for values in Programme.objects.filter(status=ProgrammeStatus.ACTIVE).values_list("finding_codes", flat=True):
        codes.update(values)
    return codes


def public_programmes():
    from django.contrib.auth.models import AnonymousUser

    return scope_queryset(Programme.objects.all(), AnonymousUser()).select_related("region").prefetch_related("norms", "terms")
