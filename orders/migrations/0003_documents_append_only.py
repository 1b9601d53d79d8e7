from django.db import migrations

# A signed contract document and its signatures never change: the database refuses UPDATE and
# DELETE on both tables, and checks that a document's sha256 is the hash of exactly its bytes.
SQL = """
CREATE OR REPLACE FUNCTION orders_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER orders_contractdocument_no_update_delete
    BEFORE UPDATE OR DELETE ON orders_contractdocument
    FOR EACH ROW EXECUTE FUNCTION orders_append_only();

CREATE TRIGGER orders_contractsignature_no_update_delete
    BEFORE UPDATE OR DELETE ON orders_contractsignature
    FOR EACH ROW EXECUTE FUNCTION orders_append_only();

ALTER TABLE orders_contractdocument
    ADD CONSTRAINT contract_document_sha256_of_content CHECK (sha256 = encode(sha256(content), 'hex'));
"""

REVERSE_SQL = """
ALTER TABLE orders_contractdocument DROP CONSTRAINT IF EXISTS contract_document_sha256_of_content;
DROP TRIGGER IF EXISTS orders_contractsignature_no_update_delete ON orders_contractsignature;
DROP TRIGGER IF EXISTS orders_contractdocument_no_update_delete ON orders_contractdocument;
DROP FUNCTION IF EXISTS orders_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_allocation_documents_signatures")]
    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
