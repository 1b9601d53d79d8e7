"""The region of each audit event's subject (``core.AuditEventRegion``), so that a department's trail is one
index range ``(region, seq)`` instead of ~30 "the subject is one of my region's rows" tests per event.

* The table is append-only like the events: UPDATE and DELETE refused by a row trigger, TRUNCATE by a
  statement trigger (the functions of migrations 0003 and 0005); it belongs to the database administrator
  and the portal's role may only SELECT and INSERT (as migration 0006 does for the events).
* The events written before are filled set-based (``core.audit_places.fill_places``: one INSERT … SELECT
  per model whose scope names its region; no audit row is touched). It reads the live models' lookups, so
  it runs after the latest migration of every app with such a model, and only when there are events (a new
  database has none).
"""

import django.db.models.deletion
from django.db import migrations, models

from core.audit_places import side_table_operations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0007_outbox"),
        # the models whose scope names a region (fill reads them)
        ("accounts", "0005_user_position"),
        ("schools", "0005_merge_0004_iban_changes_view_0004_provider_kind"),
        ("checks", "0006_list_indexes"),
        ("contingent", "0009_pupil_list_indexes"),
        ("signatures", "0002_append_only"),
        ("orders", "0006_order_titles_in_three_languages"),
        ("acts", "0005_line_by_iin_index"),
        ("payments", "0005_list_indexes"),
        ("oversight", "0002_case_region_and_flag_subjects"),
        ("procurement", "0002_penalty_functions"),
        ("risk", "0002_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEventRegion",
            fields=[
                ("pk", models.CompositePrimaryKey("region", "event", blank=True, editable=False, primary_key=True,
                                                  serialize=False)),
                ("event", models.ForeignKey(db_column="seq", db_index=False,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="regions",
                                            to="core.auditevent", to_field="seq")),
                ("region", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                             related_name="+", to="core.region")),
            ],
            options={
                "verbose_name": "region of an audit event",
                "verbose_name_plural": "regions of audit events",
            },
        ),
        *side_table_operations("region"),  # filled for the events before, then append-only
    ]
