from __future__ import annotations

from schools.models import School


def school_list(*, user, filters: dict | None = None):
    """Schools ``user`` may see, optionally filtered (see ``schools.filters``)."""
    queryset = School.objects.visible_to(user).select_related("region")
    if filters:
        from schools.filters import SchoolFilterSet

        queryset = SchoolFilterSet(filters, queryset=queryset).qs
    return queryset
