"""The school of each audit event's subject (``core.AuditEventSchool``), so that the trail narrowed to one school
is one index range ``(school, seq)`` instead of ~25 "the subject is one of this school's rows" tests per event.

* Append-only like the events and their regions (``core.db.seal_append_only``, as migration 0008): UPDATE and
  DELETE refused by a row trigger, TRUNCATE by a statement trigger; it belongs to the database administrator and
  the portal's role may only SELECT and INSERT.
* The events written before are filled set-based (``core.audit_places.fill_places``: one INSERT … SELECT per
  model whose scope names its school; no audit row is touched). It reads the live models' lookups, so it runs
  after the latest migration of every app with such a model, and only when there are events.
"""

import django.db.models.deletion
from django.db import migrations, models

from core.audit_places import side_table_operations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0009_audit_event_action_seq"),
        # the models whose scope names a school (fill reads them)
        ("schools", "0005_merge_0004_iban_changes_view_0004_provider_kind"),
        ("checks", "0007_list_sort_indexes"),
        ("contingent", "0009_pupil_list_indexes"),
        ("signatures", "0003_list_sort_indexes"),
        ("orders", "0006_order_titles_in_three_languages"),
        ("acts", "0006_list_sort_indexes"),
        ("payments", "0006_list_sort_indexes"),
        ("oversight", "0002_case_region_and_flag_subjects"),
        ("procurement", "0002_penalty_functions"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEventSchool",
            fields=[
                ("pk", models.CompositePrimaryKey("school", "event", blank=True, editable=False, primary_key=True,
                                                  serialize=False)),
                ("event", models.ForeignKey(db_column="seq", db_index=False,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="schools",
                                            to="core.auditevent", to_field="seq")),
                ("school", models.ForeignKey(db_constraint=False, db_index=False,
                                             on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                             to="schools.school")),
            ],
            options={
                "verbose_name": "school of an audit event",
                "verbose_name_plural": "schools of audit events",
            },
        ),
        *side_table_operations("school"),  # filled for the events before, then append-only
    ]
