"""Where an audit event's subject belonged when the event was written: its region (``core.AuditEventRegion``)
and its school (``core.AuditEventSchool``), recorded with the event.

A department reads the events about objects of its region; monitors, operators and departments narrow the
trail to one school. The region (school) of an object is what its model's scope names by a lookup
(``core.scoping.scoped_lookups("region")``: ``school__region``, ``contract__order__region`` …; ``"school"``:
``school``, ``act__school`` …); it is read once, when the event is written, in the same transaction, by one
set-based statement per model and table::

    INSERT INTO core_auditeventregion (region_id, seq)
    SELECT DISTINCT s.place, e.seq
      FROM core_auditevent e JOIN (<the subjects' pk as text and region>) s ON s.key = e.object_id
     WHERE e.content_type_id = <model> AND <which events>

— the same join as the trail's old scoping by region and by school (``tests/oversight/test_audit_places.py``
checks that both give the same events over every scoped model). A subject in two places (a pupil enrolled in
two schools) has two rows. Every writer of events calls it: ``audit_record`` (one event), the bulk writers
(``record_places`` of the events they created), the migrations that filled the events written before
(``fill_places``), the benchmark's history (``fill_places``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField, F
from django.db.models.functions import Cast

from core.scoping import scoped_lookups

# rule of core.scoping.scoped_lookups → (table, column) that records it
TABLES = {"region": ("core_auditeventregion", "region_id"), "school": ("core_auditeventschool", "school_id")}
RULES = tuple(TABLES)


def place_models(rule: str) -> dict[int, tuple[type, str]]:
    """{content type id: (model, lookup to its region or school)} of every model whose scope names one."""
    return {ContentType.objects.get_for_model(model, for_concrete_model=True).pk: (model, lookup)
            for model, lookup in scoped_lookups(rule)}


def _insert(rule: str, model, lookup: str, content_type_id: int, *, pks: list | None, where: str, params: list) -> int:
    table, column = TABLES[rule]
    subjects = model._default_manager.all() if pks is None else model._default_manager.filter(pk__in=pks)
    subjects = (subjects.filter(**{f"{lookup}__isnull": False}).order_by()
                .annotate(_key=Cast("pk", CharField()), _place=F(lookup)).values_list("_key", "_place"))
    sql, subject_params = subjects.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} ({column}, seq)
            SELECT DISTINCT s.place, e.seq
              FROM core_auditevent e JOIN ({sql}) AS s (key, place) ON s.key = e.object_id
             WHERE e.content_type_id = %s {where}
            ON CONFLICT DO NOTHING
            """,
            [*subject_params, content_type_id, *params],
        )
        return cursor.rowcount


def record_places(events: Iterable) -> int:
    """Record the regions and schools of the subjects of ``events`` (just created, with their ids): one statement
    per model of subject and table, none for a subject of no region or school (a user, a programme). Returns the
    rows written."""
    events = [event for event in events if event.object_id]
    written = 0
    for rule in RULES if events else ():
        models = place_models(rule)
        wanted: dict[int, tuple[list, list]] = {}
        for event in events:
            if event.content_type_id in models:
                keys, ids = wanted.setdefault(event.content_type_id, ([], []))
                keys.append(event.object_id)
                ids.append(event.pk)
        for content_type_id, (keys, ids) in wanted.items():
            model, lookup = models[content_type_id]
            pks = [key for key in keys if key.isdigit()] if model._meta.pk.get_internal_type().endswith(
                ("AutoField", "IntegerField")) else keys
            written += _insert(rule, model, lookup, content_type_id, pks=pks, where="AND e.id = ANY(%s)", params=[ids])
    return written


def fill_places(*, rules: Iterable[str] = RULES, seq_from: int | None = None, seq_to: int | None = None) -> int:
    """Record the regions and schools (``rules``: the tables to fill) of every event (or of the events whose
    ``seq`` lies in ``[seq_from, seq_to]``) that has none yet: set-based, one INSERT … SELECT per model and
    table (the migrations that introduced the tables, a restore, the benchmark's history). Idempotent."""
    where, params = "", []
    if seq_from is not None:
        where, params = where + " AND e.seq >= %s", [*params, seq_from]
    if seq_to is not None:
        where, params = where + " AND e.seq <= %s", [*params, seq_to]
    return sum(_insert(rule, model, lookup, content_type_id, pks=None, where=where, params=params)
               for rule in rules for content_type_id, (model, lookup) in place_models(rule).items())


def side_table_operations(rule: str) -> list:
    """In the migration that creates the table of ``rule`` (core 0008: regions, 0010: schools), after its
    CreateModel: fill it set-based for the events written before (when there are any), then make it append-only
    (``core.db.seal_append_only``); undone, act as its owner, who alone may drop it."""
    from django.db import migrations

    from core.db import act_as_owner, seal_append_only

    table = TABLES[rule][0]

    def fill(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT FROM core_auditevent)")
            if cursor.fetchone()[0]:
                fill_places(rules=[rule])

    def seal(apps, schema_editor):
        seal_append_only(schema_editor.connection, table)

    def unseal(apps, schema_editor):
        act_as_owner(schema_editor.connection)

    return [migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
            migrations.RunPython(seal, unseal, elidable=False)]
