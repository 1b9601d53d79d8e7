from django.db import migrations

# orders.published: the places contracted per level under every contract in force, for the checks (S05).
SQL = """
CREATE VIEW orders_contracted_places AS
SELECT c.id AS contract_id, c.number AS contract_number, c.school_id, c.period_start, c.period_end,
       l.level, l.places
  FROM orders_contract c
  LEFT JOIN orders_contractlevel l ON l.contract_id = c.id
 WHERE c.status = 'active';
"""

REVERSE_SQL = "DROP VIEW IF EXISTS orders_contracted_places;"


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_documents_append_only"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
