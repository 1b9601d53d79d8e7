# The lists' sortable columns, each an index read forwards or backwards (issue 12; docs/architecture.md).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('acts', '0005_line_by_iin_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='act',
            index=models.Index(fields=['total_amount', 'id'], name='act_by_total'),
        ),
        migrations.AddIndex(
            model_name='act',
            index=models.Index(fields=['status', '-month', '-id'], name='act_by_status'),
        ),
    ]
