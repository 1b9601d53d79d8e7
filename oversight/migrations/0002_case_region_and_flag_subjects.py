"""Monitoring cases on risk flags and procurement red flags: the case keeps its region (filled from its
school for the cases of before), and only a procurement red flag may concern no one school."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('checks', '0005_check_run_trigger_without_act'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0006_audit_roles'),
        ('oversight', '0001_initial'),
        ('schools', '0005_merge_0004_iban_changes_view_0004_provider_kind'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='monitoringcase',
            name='region',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region', verbose_name='region'),
        ),
        migrations.RunSQL(
            # checked at once, so that the ALTER below finds no pending trigger events
            "SET CONSTRAINTS ALL IMMEDIATE; "
            "UPDATE oversight_monitoringcase c SET region_id = s.region_id FROM schools_school s WHERE s.id = c.school_id; "
            "SET CONSTRAINTS ALL DEFERRED",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='monitoringcase',
            name='region',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region', verbose_name='region'),
        ),
        migrations.AlterField(
            model_name='monitoringcase',
            name='school',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='monitoring_cases', to='schools.school', verbose_name='school'),
        ),
        migrations.AlterField(
            model_name='monitoringcase',
            name='subject_kind',
            field=models.CharField(choices=[('school', 'School'), ('contract', 'Contract'), ('act', 'Act of services rendered'), ('risk_flag', 'Risk flag'), ('procurement_flag', 'Procurement red flag')], max_length=16, verbose_name='subject'),
        ),
        migrations.AddConstraint(
            model_name='monitoringcase',
            constraint=models.CheckConstraint(condition=models.Q(('school__isnull', False), ('subject_kind', 'procurement_flag'), _connector='OR'), name='case_has_school_unless_procurement_flag'),
        ),
        migrations.AddConstraint(
            model_name='monitoringcase',
            constraint=models.CheckConstraint(condition=models.Q(('subject_kind__in', ['school', 'contract', 'act', 'risk_flag', 'procurement_flag'])), name='case_subject_kind_known'),
        ),
    ]
