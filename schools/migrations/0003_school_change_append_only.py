from django.db import migrations

# The history of a school's bank account and licences is append-only, like the audit trail.
SQL = """
CREATE OR REPLACE FUNCTION schools_schoolchange_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'school history is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER schools_schoolchange_no_update_delete
    BEFORE UPDATE OR DELETE ON schools_schoolchange
    FOR EACH ROW EXECUTE FUNCTION schools_schoolchange_append_only();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS schools_schoolchange_no_update_delete ON schools_schoolchange;
DROP FUNCTION IF EXISTS schools_schoolchange_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("schools", "0002_registers")]
    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
