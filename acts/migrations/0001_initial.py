"""The acts leave the payments app with their rows: the models move in Django's state only, the
database keeps every row and renames the tables (and their sequences, indexes and constraints)
from ``payments_*`` to ``acts_*``, the SQL twin of the money rule from ``payments_line_amount``
to ``acts_line_amount``, and the content types (which the audit trail points to) from ``payments``
to ``acts``. Payments 0003 then forgets the models in its own state."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLES = ["holiday", "act", "actsubmission", "actline"]
MODELS = TABLES

# Objects on the moved tables named after them (primary keys, unique and foreign-key constraints,
# their indexes, the id sequences) follow the tables; so do the foreign keys of payments that
# point to them. {tables} is the array of the moved tables, {old} and {new} the prefixes.
RENAME_OBJECTS = r"""
DO $$
DECLARE
    r record;
    renamed text;
BEGIN
    FOR r IN SELECT c.conname, c.conrelid::regclass AS tbl FROM pg_constraint c
              WHERE c.conrelid = ANY({tables}) OR c.confrelid = ANY({tables}) LOOP
        renamed := regexp_replace(replace(r.conname, '_fk_{old}act', '_fk_{new}act'), '^{old}(act|holiday)', '{new}\1');
        IF renamed <> r.conname THEN
            EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', r.tbl, r.conname, renamed);
        END IF;
    END LOOP;
    FOR r IN SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = ANY({tables}) LOOP
        renamed := regexp_replace(r.relname, '^{old}(act|holiday)', '{new}\1');
        IF renamed <> r.relname THEN
            EXECUTE format('ALTER INDEX %I RENAME TO %I', r.relname, renamed);
        END IF;
    END LOOP;
    FOR r IN SELECT s.relname FROM pg_class s WHERE s.relkind = 'S' AND s.relname ~ '^{old}(act|actsubmission|actline|holiday)_id_seq$' LOOP
        EXECUTE format('ALTER SEQUENCE %I RENAME TO %I', r.relname, regexp_replace(r.relname, '^{old}', '{new}'));
    END LOOP;
END $$;
"""


def _tables(prefix: str) -> str:
    return "ARRAY[" + ", ".join(f"'{prefix}{table}'::regclass" for table in TABLES) + "]"


FORWARD = "\n".join([
    *(f"ALTER TABLE payments_{table} RENAME TO acts_{table};" for table in TABLES),
    # The two indexes Django names after the table (their names are in the migration state).
    "ALTER INDEX payments_ac_status_cacd1a_idx RENAME TO acts_act_status_dc0ce8_idx;",
    "ALTER INDEX payments_ac_school__f5b95a_idx RENAME TO acts_act_school__19ae86_idx;",
    RENAME_OBJECTS.replace("{tables}", _tables("acts_")).replace("{old}", "payments_").replace("{new}", "acts_"),
    "ALTER FUNCTION payments_line_amount(numeric, numeric, integer, integer) RENAME TO acts_line_amount;",
])
BACKWARD = "\n".join([
    "ALTER FUNCTION acts_line_amount(numeric, numeric, integer, integer) RENAME TO payments_line_amount;",
    "ALTER INDEX acts_act_status_dc0ce8_idx RENAME TO payments_ac_status_cacd1a_idx;",
    "ALTER INDEX acts_act_school__19ae86_idx RENAME TO payments_ac_school__f5b95a_idx;",
    RENAME_OBJECTS.replace("{tables}", _tables("acts_")).replace("{old}", "acts_").replace("{new}", "payments_"),
    *(f"ALTER TABLE acts_{table} RENAME TO payments_{table};" for table in TABLES),
])


def _move_content_types(apps, source: str, target: str) -> None:
    """The audit trail names its subjects by content type: the acts' rows keep theirs, relabelled."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        # A type created for the new label before this ran (nothing points to it yet) gives way.
        ContentType.objects.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def content_types_forward(apps, schema_editor):
    _move_content_types(apps, "payments", "acts")


def content_types_backward(apps, schema_editor):
    _move_content_types(apps, "acts", "payments")


STATE = [
    migrations.CreateModel(
        name='Holiday',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('date', models.DateField(unique=True, verbose_name='date')),
            ('name_kk', models.CharField(max_length=100, verbose_name='name (Kazakh)')),
            ('name_ru', models.CharField(max_length=100, verbose_name='name (Russian)')),
            ('name_en', models.CharField(max_length=100, verbose_name='name (English)')),
        ],
        options={
            'verbose_name': 'public holiday',
            'verbose_name_plural': 'public holidays',
            'ordering': ['date'],
        },
    ),
    migrations.CreateModel(
        name='Act',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('month', models.DateField(help_text='the first day of the month', verbose_name='month')),
            ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('accepted', 'Accepted'), ('partly_accepted', 'Partly accepted'), ('returned', 'Returned for correction'), ('paid', 'Paid')], default='draft', max_length=20, verbose_name='status')),
            ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
            ('line_count', models.PositiveIntegerField(default=0, verbose_name='lines')),
            ('total_amount', models.DecimalField(decimal_places=2, default=0, max_digits=16, verbose_name='total')),
            ('accepted_amount', models.DecimalField(decimal_places=2, default=0, max_digits=16, verbose_name='accepted amount')),
            ('due_on', models.DateField(verbose_name='due by')),
            ('review_due_on', models.DateField(blank=True, null=True, verbose_name='review due by')),
            ('built_at', models.DateTimeField(verbose_name='built at')),
            ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
            ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
            ('return_reason', models.TextField(blank=True, verbose_name='reason for return')),
            ('created_at', models.DateTimeField(auto_now_add=True)),
            ('updated_at', models.DateTimeField(auto_now=True)),
            ('built_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='built by')),
            ('contract', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='acts', to='orders.contract', verbose_name='contract')),
            ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
            ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='acts', to='schools.school', verbose_name='school')),
            ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
        ],
        options={
            'verbose_name': 'act of services rendered',
            'verbose_name_plural': 'acts of services rendered',
            'ordering': ['-month', 'school_id', '-id'],
        },
    ),
    migrations.CreateModel(
        name='ActLine',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('version', models.PositiveIntegerField(verbose_name='version')),
            ('iin', models.CharField(max_length=12, verbose_name='IIN')),
            ('pupil_name', models.CharField(max_length=310, verbose_name='pupil')),
            ('grade', models.PositiveSmallIntegerField(verbose_name='grade')),
            ('level', models.CharField(choices=[('primary', 'Primary (grades 0–4)'), ('basic', 'Basic secondary (grades 5–9)'), ('general', 'General secondary (grades 10–11)')], max_length=10, verbose_name='level')),
            ('category', models.CharField(choices=[('regular', 'Regular'), ('sen', 'Special educational needs')], max_length=10, verbose_name='category')),
            ('first_day', models.DateField(verbose_name='from')),
            ('last_day', models.DateField(verbose_name='until')),
            ('days', models.PositiveSmallIntegerField(verbose_name='days enrolled')),
            ('days_in_month', models.PositiveSmallIntegerField(verbose_name='days in the month')),
            ('norm', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='monthly norm')),
            ('coefficient', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='coefficient')),
            ('amount', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='amount')),
            ('decision', models.CharField(choices=[('pending', 'Not decided'), ('accepted', 'Accepted'), ('rejected', 'Rejected')], default='pending', max_length=10, verbose_name='decision')),
            ('reject_reason', models.CharField(blank=True, choices=[('check_error', 'An open error finding of the checks'), ('not_taught', 'The pupil was not taught in this month'), ('wrong_days', 'The days enrolled disagree with the records'), ('wrong_level', 'Wrong level or category'), ('duplicate', 'Billed twice or funded elsewhere'), ('no_documents', 'Supporting documents missing'), ('other', 'Other (explained in the note)')], max_length=20, verbose_name='reason for rejection')),
            ('decision_note', models.TextField(blank=True, verbose_name='note')),
            ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
            ('act', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='acts.act', verbose_name='act')),
            ('decided_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
            ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='act_lines', to='contingent.enrolment', verbose_name='enrolment')),
            ('school', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='schools.school', verbose_name='school')),
        ],
        options={
            'verbose_name': 'act line',
            'verbose_name_plural': 'act lines',
            'ordering': ['act_id', 'version', 'level', 'grade', 'pupil_name', 'id'],
        },
    ),
    migrations.CreateModel(
        name='ActSubmission',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('version', models.PositiveIntegerField(verbose_name='version')),
            ('submitted_at', models.DateTimeField(verbose_name='submitted at')),
            ('line_count', models.PositiveIntegerField(verbose_name='lines')),
            ('total_amount', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='total')),
            ('lines_sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the lines')),
            ('review_due_on', models.DateField(verbose_name='review due by')),
            ('outcome', models.CharField(blank=True, choices=[('', 'Under review'), ('accepted', 'Accepted'), ('partly_accepted', 'Partly accepted'), ('returned', 'Returned for correction')], default='', max_length=20, verbose_name='outcome')),
            ('accepted_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='accepted amount')),
            ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
            ('reason', models.TextField(blank=True, verbose_name='reason')),
            ('act', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='acts.act', verbose_name='act')),
            ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
            ('submitted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
        ],
        options={
            'verbose_name': 'act submission',
            'verbose_name_plural': 'act submissions',
            'ordering': ['act_id', 'version'],
        },
    ),
    migrations.AddIndex(
        model_name='act',
        index=models.Index(fields=['status', 'month'], name='acts_act_status_dc0ce8_idx'),
    ),
    migrations.AddIndex(
        model_name='act',
        index=models.Index(fields=['school', 'month'], name='acts_act_school__19ae86_idx'),
    ),
    migrations.AddConstraint(
        model_name='act',
        constraint=models.UniqueConstraint(fields=('contract', 'month'), name='act_one_per_contract_and_month'),
    ),
    migrations.AddConstraint(
        model_name='act',
        constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='act_month_first_day'),
    ),
    migrations.AddConstraint(
        model_name='act',
        constraint=models.CheckConstraint(condition=models.Q(('total_amount__gte', 0)), name='act_total_not_negative'),
    ),
    migrations.AddConstraint(
        model_name='act',
        constraint=models.CheckConstraint(condition=models.Q(('accepted_amount__gte', 0), ('accepted_amount__lte', models.F('total_amount'))), name='act_accepted_within_total'),
    ),
    migrations.AddConstraint(
        model_name='act',
        constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='act_version_positive'),
    ),
    migrations.AddConstraint(
        model_name='actline',
        constraint=models.UniqueConstraint(fields=('act', 'version', 'enrolment'), name='act_line_one_per_enrolment'),
    ),
    migrations.AddConstraint(
        model_name='actline',
        constraint=models.CheckConstraint(condition=models.Q(('days__gte', 1), ('days__lte', models.F('days_in_month'))), name='act_line_days_in_month'),
    ),
    migrations.AddConstraint(
        model_name='actline',
        constraint=models.CheckConstraint(condition=models.Q(('last_day__gte', models.F('first_day'))), name='act_line_period_ordered'),
    ),
    migrations.AddConstraint(
        model_name='actline',
        constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='act_line_amount_not_negative'),
    ),
    migrations.AddConstraint(
        model_name='actline',
        constraint=models.CheckConstraint(condition=models.Q(models.Q(('decision', 'rejected'), models.Q(('reject_reason', ''), _negated=True)), models.Q(models.Q(('decision', 'rejected'), _negated=True), ('reject_reason', '')), _connector='OR'), name='act_line_rejection_has_reason'),
    ),
    migrations.AddConstraint(
        model_name='actsubmission',
        constraint=models.UniqueConstraint(fields=('act', 'version'), name='act_submission_one_per_version'),
    ),
]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('contingent', '0004_identifier_lookup_tables'),
        ('orders', '0003_documents_append_only'),
        ('payments', '0002_line_amount_function_and_holidays'),
        ('schools', '0003_school_change_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=STATE,
            database_operations=[
                migrations.RunSQL(FORWARD, BACKWARD),
                migrations.RunPython(content_types_forward, content_types_backward),
            ],
        ),
    ]
