"""Reads of the contingent app, always scoped to what the user may see."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from contingent.choices import SnapshotStatus
from contingent.filters import (
    OPEN_FINDING_STATUSES,
    EnrolmentFilterSet,
    NobdSnapshotFilterSet,
    PupilFilterSet,
    has_live_findings,
)
from contingent.history import snapshot_rows_sql
from contingent.models import ContingentImport, Enrolment, NobdSnapshot, Pupil


def enrolment_list(*, user, filters: dict | None = None):
    """Enrolments ``user`` may see, with their pupil and school (and the school's BIN as ``school_bin``, for a
    list that shows only it), whether each has a live finding and how many open ones (the checks' findings,
    through the reverse relation)."""
    queryset = (
        Enrolment.objects.visible_to(user)
        .select_related("pupil", "school")
        .annotate(school_bin=F("school__bin"), has_findings=has_live_findings(), open_findings=open_findings_count())
        # An index order (contingent_enrolment_list_order): a page reads its 50 rows, whatever the table's size.
        .order_by("school_id", "grade", "id")
    )
    if filters:
        queryset = EnrolmentFilterSet(filters, queryset=queryset).qs
    return queryset


def open_findings_count() -> Coalesce:
    """How many open findings the enrolment has: a subquery per row shown (the checks' table, through the
    reverse relation), not a join and a GROUP BY over the whole list."""
    finding = Enrolment._meta.get_field("findings").related_model
    counted = (finding.objects.filter(enrolment_id=OuterRef("pk"), status__in=OPEN_FINDING_STATUSES).order_by()
               .values("enrolment_id").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def enrolment_get(*, user, pk) -> Enrolment:
    return enrolment_list(user=user).get(pk=pk)


def pupil_list(*, user, filters: dict | None = None):
    visible = Pupil.objects.visible_to(user)
    if visible.query.where:
        # Scoped through the enrolments (Pupil.scope): the pupils of the enrolments the user sees, as a semi-join
        # over the enrolments' index — DISTINCT over the joined rows would sort every pupil for a page of 50.
        visible = Pupil.objects.filter(pk__in=Enrolment.objects.visible_to(user).values("pupil_id"))
    queryset = visible.order_by("last_name", "first_name", "id")
    if filters:
        queryset = PupilFilterSet(filters, queryset=queryset).qs
    return queryset


def snapshot_list(*, user, filters: dict | None = None):
    queryset = NobdSnapshot.objects.visible_to(user).order_by("-taken_on", "-id")
    if filters:
        queryset = NobdSnapshotFilterSet(filters, queryset=queryset).qs
    return queryset


def latest_snapshot():
    return NobdSnapshot.objects.filter(status=SnapshotStatus.READY).order_by("-taken_on", "-id").first()


def import_list(*, user):
    return ContingentImport.objects.visible_to(user).select_related("school", "created_by")


def nobd_rows_for(*, iin: str, snapshot: NobdSnapshot | None = None) -> list[dict]:
    """What the NOBD snapshot (default: the latest with rows) says about one IIN: school, grade, dates.

    Callers show it only next to an enrolment the user may see (the pupil's own data).
    """
    snapshot = snapshot or latest_snapshot()
    if snapshot is None or snapshot.status != SnapshotStatus.READY:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT n.school_bin, s.id, s.name_kk, s.name_ru, n.grade, n.enrolled_on, nullif(n.left_on, '')
              FROM {snapshot_rows_sql("%s")} n
              LEFT JOIN schools_school s ON s.bin = n.school_bin
             WHERE n.iin = %s
             ORDER BY n.enrolled_on, n.school_bin
            """,
            [snapshot.pk, snapshot.pk, iin],
        )
        keys = ["school_bin", "school_id", "name_kk", "name_ru", "grade", "enrolled_on", "left_on"]
        return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
