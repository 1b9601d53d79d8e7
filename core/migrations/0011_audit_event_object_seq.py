"""An index ``(object_id, seq)`` of the audit events: ``object_id=`` without ``object_type`` (the API allows it) is a
range of it, where the index ``(content_type, object_id, created_at)`` cannot be used without the type and the
whole trail was read (``tests/test_explain.py``: ``AuditEventListIndexTests``, a department's trail).

Created and dropped as the audit tables' owner (``core.db.act_as_owner``), as migration 0009 does.
"""

from django.db import migrations, models

from core.db import as_owner_operations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0010_audit_event_school"),
    ]

    operations = as_owner_operations(
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["object_id", "seq"], name="audit_event_object_seq"),
        ),
    )
