"""An index ``(action, seq)`` of the audit events: ``action=`` read in the chain's order (``?ordering=seq``, and
a department's trail narrowed to an action) is a range of it, where the ``seq`` index read backwards walks
through every event until it has found a rare action far back in the trail.

``core_auditevent`` belongs to the database administrator (migration 0006): only its owner may add or drop an
index. When the portal logs in as the administrator and acts as its own role (``-c role=eqazyna_app``), the
migration acts as the administrator for the index (``SET LOCAL ROLE NONE``, as migrations 0006 and 0008 do), in
both directions; the transaction ends the change.
"""

from django.db import migrations, models

from core.db import as_owner_operations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0008_audit_event_region"),
    ]

    operations = as_owner_operations(
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["action", "seq"], name="audit_event_action_seq"),
        ),
    )
