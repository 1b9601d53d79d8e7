from django.db import migrations

# Findings a check run closed stored the English sentence "no longer found by check run #N (D)";
# the closing run (closed_by_run) is the reason, worded in the reader's language
# (Finding.status_reason_text). Clear the stored sentence.
SQL = """
UPDATE checks_finding SET status_reason = ''
 WHERE closed_by_run_id IS NOT NULL AND status_changed_by_id IS NULL AND status_reason LIKE 'no longer found by check run #%'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("checks", "0002_initial"),
    ]

    operations = [migrations.RunSQL(SQL, migrations.RunSQL.noop)]
