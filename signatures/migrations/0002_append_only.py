from django.db import migrations

# Kept signatures and the revocation information they were verified with are append-only: the
# database refuses to change or delete a row (as for audit events, core 0003).
SQL = """
CREATE OR REPLACE FUNCTION signatures_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER signatures_signature_no_update_delete
    BEFORE UPDATE OR DELETE ON signatures_signature
    FOR EACH ROW EXECUTE FUNCTION signatures_append_only();

CREATE TRIGGER signatures_revocationdata_no_update_delete
    BEFORE UPDATE OR DELETE ON signatures_revocationdata
    FOR EACH ROW EXECUTE FUNCTION signatures_append_only();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS signatures_signature_no_update_delete ON signatures_signature;
DROP TRIGGER IF EXISTS signatures_revocationdata_no_update_delete ON signatures_revocationdata;
DROP FUNCTION IF EXISTS signatures_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("signatures", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
