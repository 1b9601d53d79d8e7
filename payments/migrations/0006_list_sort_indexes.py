# The lists' sortable columns, each an index read forwards or backwards (issue 12; docs/architecture.md).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0005_list_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='payment',
            index=models.Index(fields=['amount', 'id'], name='payment_by_amount'),
        ),
        migrations.AddIndex(
            model_name='recovery',
            index=models.Index(fields=['created_at', 'id'], name='recovery_list_order'),
        ),
        migrations.AddIndex(
            model_name='recovery',
            index=models.Index(fields=['amount', 'id'], name='recovery_by_amount'),
        ),
    ]
