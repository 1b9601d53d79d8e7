"""The acts moved to their own app with their tables and rows (acts 0001): payments forgets the
models in its state and points its foreign keys to ``acts.Act`` and ``acts.ActLine``. Nothing
changes in the database (the constraints already reference the renamed tables)."""

import django.db.models.deletion
from django.db import migrations, models

STATE = [
    migrations.RemoveField(
        model_name='act',
        name='built_by',
    ),
    migrations.RemoveField(
        model_name='act',
        name='contract',
    ),
    migrations.RemoveField(
        model_name='act',
        name='reviewed_by',
    ),
    migrations.RemoveField(
        model_name='act',
        name='school',
    ),
    migrations.RemoveField(
        model_name='act',
        name='submitted_by',
    ),
    migrations.RemoveField(
        model_name='actsubmission',
        name='act',
    ),
    migrations.RemoveField(
        model_name='actline',
        name='act',
    ),
    migrations.AlterField(
        model_name='payment',
        name='act',
        field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='acts.act', verbose_name='act'),
    ),
    migrations.RemoveField(
        model_name='actline',
        name='decided_by',
    ),
    migrations.RemoveField(
        model_name='actline',
        name='enrolment',
    ),
    migrations.RemoveField(
        model_name='actline',
        name='school',
    ),
    migrations.AlterField(
        model_name='recovery',
        name='line',
        field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recoveries', to='acts.actline', verbose_name='act line'),
    ),
    migrations.RemoveField(
        model_name='actsubmission',
        name='decided_by',
    ),
    migrations.RemoveField(
        model_name='actsubmission',
        name='submitted_by',
    ),
    migrations.DeleteModel(
        name='Holiday',
    ),
    migrations.DeleteModel(
        name='Act',
    ),
    migrations.DeleteModel(
        name='ActLine',
    ),
    migrations.DeleteModel(
        name='ActSubmission',
    ),
]


class Migration(migrations.Migration):

    dependencies = [
        ('acts', '0001_initial'),
        ('payments', '0002_line_amount_function_and_holidays'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=STATE, database_operations=[]),
    ]
