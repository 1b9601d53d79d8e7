"""The region of an audit event's subject, recorded when the event is written (``core.AuditEventRegion``).

A department reads the events about objects of its region. The region of an object is what its model's
scope names by a lookup (``core.scoping.scoped_lookups("region")``: ``school__region``,
``contract__order__region`` …); it is read once, when the event is written, in the same transaction, by
one set-based statement per model::

    INSERT INTO core_auditeventregion (region_id, seq)
    SELECT DISTINCT s.region, e.seq
      FROM core_auditevent e JOIN (<the subjects' pk as text and region>) s ON s.key = e.object_id
     WHERE e.content_type_id = <model> AND <which events>

— the same join as the trail's old scoping (``tests/oversight/test_audit_regions.py`` checks that both
give the same events over every scoped model). Every writer of events calls it: ``audit_record`` (one
event), the bulk writers (``record_regions`` of the events they created), the migration that filled the
events written before (``fill_regions``), the benchmark's history (``fill_regions``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField, F
from django.db.models.functions import Cast

from core.scoping import scoped_lookups


def region_models() -> dict[int, tuple[type, str]]:
    """{content type id: (model, lookup to its region)} of every model whose scope names its region."""
    return {ContentType.objects.get_for_model(model, for_concrete_model=True).pk: (model, lookup)
            for model, lookup in scoped_lookups("region")}


def _insert(model, lookup: str, content_type_id: int, *, pks: list | None, where: str, params: list) -> int:
    subjects = model._default_manager.all() if pks is None else model._default_manager.filter(pk__in=pks)
    subjects = (subjects.filter(**{f"{lookup}__isnull": False}).order_by()
                .annotate(_key=Cast("pk", CharField()), _region=F(lookup)).values_list("_key", "_region"))
    sql, subject_params = subjects.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO core_auditeventregion (region_id, seq)
            SELECT DISTINCT s.region, e.seq
              FROM core_auditevent e JOIN ({sql}) AS s (key, region) ON s.key = e.object_id
             WHERE e.content_type_id = %s {where}
            ON CONFLICT DO NOTHING
            """,
            [*subject_params, content_type_id, *params],
        )
        return cursor.rowcount


def record_regions(events: Iterable) -> int:
    """Record the regions of the subjects of ``events`` (just created, with their ids): one statement per
    model of subject that has a region, none for the others. Returns the rows written."""
    wanted: dict[int, tuple[list, list]] = {}
    models = None
    for event in events:
        if models is None:
            models = region_models()
        if event.content_type_id in models and event.object_id:
            keys, ids = wanted.setdefault(event.content_type_id, ([], []))
            keys.append(event.object_id)
            ids.append(event.pk)
    written = 0
    for content_type_id, (keys, ids) in wanted.items():
        model, lookup = models[content_type_id]
        pks = [key for key in keys if key.isdigit()] if model._meta.pk.get_internal_type().endswith(
            ("AutoField", "IntegerField")) else keys
        written += _insert(model, lookup, content_type_id, pks=pks, where="AND e.id = ANY(%s)", params=[ids])
    return written


def fill_regions(*, seq_from: int | None = None, seq_to: int | None = None) -> int:
    """Record the regions of every event (or of the events whose ``seq`` lies in ``[seq_from, seq_to]``) that
    has none yet: set-based, one INSERT … SELECT per model (the migration that introduced the table, a
    restore, the benchmark's history). Idempotent."""
    where, params = "", []
    if seq_from is not None:
        where, params = where + " AND e.seq >= %s", [*params, seq_from]
    if seq_to is not None:
        where, params = where + " AND e.seq <= %s", [*params, seq_to]
    return sum(_insert(model, lookup, content_type_id, pks=None, where=where, params=params)
               for content_type_id, (model, lookup) in region_models().items())
