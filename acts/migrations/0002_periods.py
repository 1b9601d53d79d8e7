"""Issue 10: an act covers a period of its programme (a month, or an academic term): ``period_end``
is set to the month's last day for every existing act (all of them monthly school_per_capita acts).
Lines may be of beneficiaries without a grade; ``level`` holds the programme's norm category."""

from django.conf import settings
from django.db import migrations, models


def fill_period_end(apps, schema_editor):
    schema_editor.execute(
        "UPDATE acts_act SET period_end = (date_trunc('month', month) + interval '1 month - 1 day')::date "
        "WHERE period_end IS NULL"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('acts', '0001_initial'),
        ('orders', '0005_programmes'),
        ('schools', '0004_provider_kind'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='act',
            name='period_end',
            field=models.DateField(null=True, verbose_name='period until'),
        ),
        migrations.RunPython(fill_period_end, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='act',
            name='period_end',
            field=models.DateField(verbose_name='period until'),
        ),
        migrations.AlterField(
            model_name='act',
            name='month',
            field=models.DateField(help_text='the first day of the period (a month or a term)', verbose_name='period from'),
        ),
        migrations.AlterField(
            model_name='actline',
            name='category',
            field=models.CharField(choices=[('regular', 'Regular'), ('sen', 'Special educational needs'), ('increased', 'Increased (excellent results)'), ('social', 'Social')], max_length=10, verbose_name='beneficiary category'),
        ),
        migrations.AlterField(
            model_name='actline',
            name='days',
            field=models.PositiveSmallIntegerField(verbose_name='days paid'),
        ),
        migrations.AlterField(
            model_name='actline',
            name='days_in_month',
            field=models.PositiveSmallIntegerField(verbose_name='days in the period'),
        ),
        migrations.AlterField(
            model_name='actline',
            name='grade',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='grade'),
        ),
        migrations.AlterField(
            model_name='actline',
            name='level',
            field=models.CharField(max_length=20, verbose_name='category'),
        ),
        migrations.AlterField(
            model_name='actline',
            name='norm',
            field=models.DecimalField(decimal_places=2, max_digits=16, verbose_name='norm per period'),
        ),
        migrations.AddConstraint(
            model_name='act',
            constraint=models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('month'))), name='act_period_ordered'),
        ),
    ]
