from django.db import migrations

# schools.published: every replacement of a school's IBAN in its change history, for the risk flags (R04).
SQL = """
CREATE VIEW schools_iban_changes AS
SELECT c.id AS change_id, c.bin, c.changed_at, c.before ->> 'iban' AS iban_before, c.after ->> 'iban' AS iban_after,
       c.source
  FROM schools_schoolchange c
 WHERE c.kind = 'bank_account'
   AND coalesce(c.before ->> 'iban', '') <> ''
   AND coalesce(c.after ->> 'iban', '') <> ''
   AND c.after ->> 'iban' <> c.before ->> 'iban';
"""

REVERSE_SQL = "DROP VIEW IF EXISTS schools_iban_changes;"


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0003_school_change_append_only"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
