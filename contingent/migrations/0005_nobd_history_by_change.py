"""NOBD history stored by change (``contingent.history``), instead of one full partition per snapshot.

* ``contingent_nobdhistory`` — each distinct NOBD row once per stretch of imports that had it:
  ``valid_from`` (the first import with it) and ``valid_to`` (the first later import without it, NULL
  while the latest has it). Row values are kept as received, an empty value as ``''``.
* The rows of every ready snapshot that still has its partition move into the history, in the order
  the snapshots were imported; then the partitioned table ``contingent_nobdrow`` and its partitions go.
* ``contingent_nobdrow`` becomes a view with the same columns (``snapshot_id`` and the nine columns of
  the file) over the history, for every ready snapshot.

Reversible: going back rebuilds one partition per ready snapshot from the history.
"""

from django.db import migrations, models

COLUMNS = ["iin", "last_name", "first_name", "middle_name", "birth_date", "school_bin", "grade", "enrolled_on", "left_on"]
COLUMN_LIST = ", ".join(COLUMNS)

HISTORY_SQL = f"""
CREATE TABLE contingent_nobdhistory (
    valid_from bigint NOT NULL,
    valid_to bigint,
    {", ".join(f"{name} text NOT NULL" for name in COLUMNS)},
    CONSTRAINT contingent_nobdhistory_valid_range CHECK (valid_to IS NULL OR valid_to > valid_from)
);
-- Each nightly import closes and adds about 0.5 % of the rows: vacuum after each, so that the space of the
-- closed rows is reused (the default waits for 20 % of the table).
ALTER TABLE contingent_nobdhistory SET (autovacuum_vacuum_scale_factor = 0.002, autovacuum_vacuum_insert_scale_factor = 0.002,
                                        autovacuum_analyze_scale_factor = 0.02);
COMMENT ON TABLE contingent_nobdhistory IS
  'NOBD rows stored by change: a row belongs to snapshot S when valid_from <= S < valid_to (NULL: still in the latest import). See contingent/history.py.';
"""

VIEW_SQL = f"""
CREATE VIEW contingent_nobdrow AS
SELECT s.id AS snapshot_id, {", ".join(f"h.{name}" for name in COLUMNS)}
  FROM contingent_nobdsnapshot s
  JOIN contingent_nobdhistory h ON h.valid_from <= s.id AND (h.valid_to IS NULL OR h.valid_to > s.id)
 WHERE s.status = 'ready';
COMMENT ON VIEW contingent_nobdrow IS 'The rows of every ready NOBD snapshot, read from contingent_nobdhistory.';
"""

PARTITIONED_SQL = """
CREATE TABLE contingent_nobdrow (
    snapshot_id bigint NOT NULL,
    iin text, last_name text, first_name text, middle_name text, birth_date text,
    school_bin text, grade text, enrolled_on text, left_on text
) PARTITION BY LIST (snapshot_id);
"""


def _ready_snapshots(cursor) -> list[int]:
    cursor.execute("SELECT id FROM contingent_nobdsnapshot WHERE status = 'ready' ORDER BY id")
    return [row[0] for row in cursor.fetchall()]


def partitions_into_history(apps, schema_editor):
    """Each ready snapshot's partition, in import order: close the live rows it lacks, add the rows it brings."""
    matches = " AND ".join(f"n.{name} = h.{name}" for name in COLUMNS)
    with schema_editor.connection.cursor() as cursor:
        for snapshot_id in _ready_snapshots(cursor):
            cursor.execute("SELECT to_regclass(%s)", [f"contingent_nobdrow_{snapshot_id}"])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute("DROP TABLE IF EXISTS nobd_migrating")
            cursor.execute(f"CREATE TEMP TABLE nobd_migrating AS SELECT DISTINCT "
                           f"{', '.join(f'coalesce({name}, {chr(39)}{chr(39)}) AS {name}' for name in COLUMNS)} "
                           f"FROM contingent_nobdrow_{snapshot_id}")
            cursor.execute(f"UPDATE contingent_nobdhistory h SET valid_to = %s WHERE h.valid_to IS NULL "
                           f"AND NOT EXISTS (SELECT 1 FROM nobd_migrating n WHERE {matches})", [snapshot_id])
            cursor.execute(f"INSERT INTO contingent_nobdhistory (valid_from, {COLUMN_LIST}) SELECT %s, {COLUMN_LIST} "
                           f"FROM nobd_migrating n WHERE NOT EXISTS (SELECT 1 FROM contingent_nobdhistory h "
                           f"WHERE h.valid_to IS NULL AND {matches})", [snapshot_id])
            cursor.execute("DROP TABLE nobd_migrating")


def history_into_partitions(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for snapshot_id in _ready_snapshots(cursor):
            table = f"contingent_nobdrow_{snapshot_id}"
            cursor.execute(f"CREATE TABLE {table} (LIKE contingent_nobdrow)")
            cursor.execute(f"INSERT INTO {table} (snapshot_id, {COLUMN_LIST}) SELECT %s, "
                           f"{', '.join(f'nullif({name}, {chr(39)}{chr(39)})' for name in COLUMNS)} "
                           f"FROM contingent_nobdhistory WHERE valid_from <= %s AND (valid_to IS NULL OR valid_to > %s)",
                           [snapshot_id, snapshot_id, snapshot_id])
            cursor.execute(f"ALTER TABLE contingent_nobdrow ATTACH PARTITION {table} FOR VALUES IN ({snapshot_id})")


class Migration(migrations.Migration):

    dependencies = [
        ("contingent", "0004_identifier_lookup_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="nobdsnapshot",
            name="checked_with",
            field=models.CharField(blank=True, max_length=64, verbose_name="row checks"),
        ),
        migrations.AddField(
            model_name="nobdsnapshot",
            name="rows_added",
            field=models.PositiveIntegerField(default=0, verbose_name="rows added"),
        ),
        migrations.AddField(
            model_name="nobdsnapshot",
            name="rows_removed",
            field=models.PositiveIntegerField(default=0, verbose_name="rows removed"),
        ),
        migrations.RunSQL(HISTORY_SQL, "DROP TABLE IF EXISTS contingent_nobdhistory;"),
        # Backwards, in reverse order: the view goes, the partitioned table comes back, its partitions
        # are rebuilt from the history, and the history goes.
        migrations.RunPython(partitions_into_history, history_into_partitions),
        migrations.RunSQL("DROP TABLE contingent_nobdrow CASCADE;", PARTITIONED_SQL),
        migrations.RunSQL(VIEW_SQL, "DROP VIEW IF EXISTS contingent_nobdrow;"),
    ]
