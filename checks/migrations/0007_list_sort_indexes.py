# The lists' sortable columns, each an index read forwards or backwards (issue 12; docs/architecture.md).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('checks', '0006_list_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='finding',
            index=models.Index(fields=['code', '-last_run', '-id'], name='finding_by_code'),
        ),
    ]
