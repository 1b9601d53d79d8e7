"""Issue 10: every state order belongs to a funding programme.

Every existing order joins the national school_per_capita programme ("SPC", created by programmes
0001): its behaviour and money are unchanged. The level columns keep their names but now hold the
programme's norm category (for SPC still the level), so the fixed choices go. The view that the
checks read (0004) gains the programme and its instrument, so each rule counts the contracts of its
own instrument.
"""

import django.core.validators
import django.db.models.deletion
import programmes.defaults
from django.db import migrations, models


def orders_to_spc(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    StateOrder = apps.get_model("orders", "StateOrder")
    spc = Programme.objects.get(code="SPC")
    StateOrder.objects.filter(programme__isnull=True).update(programme=spc)


DROP_VIEW_SQL = "DROP VIEW IF EXISTS orders_contracted_places;"

VIEW_SQL = """
CREATE VIEW orders_contracted_places AS
SELECT c.id AS contract_id, c.number AS contract_number, c.school_id, c.period_start, c.period_end,
       l.level, l.places, o.programme_id, p.instrument
  FROM orders_contract c
  JOIN orders_stateorder o ON o.id = c.order_id
  JOIN programmes_programme p ON p.id = o.programme_id
  LEFT JOIN orders_contractlevel l ON l.contract_id = c.id
 WHERE c.status = 'active';
"""

OLD_VIEW_SQL = """
CREATE VIEW orders_contracted_places AS
SELECT c.id AS contract_id, c.number AS contract_number, c.school_id, c.period_start, c.period_end,
       l.level, l.places
  FROM orders_contract c
  LEFT JOIN orders_contractlevel l ON l.contract_id = c.id
 WHERE c.status = 'active';
"""


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0004_contracted_places_view'),
        ('programmes', '0001_initial'),
    ]

    operations = [
        # The view reads the level column, whose type changes below: dropped first, created anew last.
        migrations.RunSQL(DROP_VIEW_SQL, OLD_VIEW_SQL),
        migrations.AddField(
            model_name='stateorder',
            name='programme',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='programmes.programme', verbose_name='programme'),
        ),
        migrations.RunPython(orders_to_spc, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='stateorder',
            name='programme',
            field=models.ForeignKey(default=programmes.defaults.default_programme_id, on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='programmes.programme', verbose_name='programme'),
        ),
        migrations.AlterField(
            model_name='applicationlevel',
            name='level',
            field=models.CharField(max_length=20, verbose_name='category'),
        ),
        migrations.AlterField(
            model_name='contractlevel',
            name='level',
            field=models.CharField(max_length=20, verbose_name='category'),
        ),
        migrations.AlterField(
            model_name='contractlevel',
            name='monthly_norm',
            field=models.DecimalField(decimal_places=2, max_digits=16, validators=[django.core.validators.MinValueValidator(0)], verbose_name='norm per period'),
        ),
        migrations.AlterField(
            model_name='stateorderlevel',
            name='level',
            field=models.CharField(max_length=20, verbose_name='category'),
        ),
        migrations.AlterField(
            model_name='stateorderlevel',
            name='monthly_norm',
            field=models.DecimalField(decimal_places=2, max_digits=16, validators=[django.core.validators.MinValueValidator(0)], verbose_name='norm per period'),
        ),
        migrations.RunSQL(VIEW_SQL, DROP_VIEW_SQL),
    ]
