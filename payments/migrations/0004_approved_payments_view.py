from django.db import migrations

# payments.published: every approved payment with its act's school and month, for the risk flags (R04).
SQL = """
CREATE VIEW payments_approved AS
SELECT p.id AS payment_id, p.act_id, a.school_id, a.month AS act_month, p.payee_bin, p.payee_iban, p.amount,
       p.status, p.approved_at
  FROM payments_payment p
  JOIN acts_act a ON a.id = p.act_id
 WHERE p.approved_at IS NOT NULL;
"""

REVERSE_SQL = "DROP VIEW IF EXISTS payments_approved;"


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_acts_moved_to_their_app"),
        ("acts", "0001_initial"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
