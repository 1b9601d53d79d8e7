from django.db import migrations

from core.data.regions import REGIONS, ensure_regions


def load_regions(apps, schema_editor):
    ensure_regions(apps.get_model("core", "Region"))


def unload_regions(apps, schema_editor):
    apps.get_model("core", "Region").objects.filter(code__in=[row[0] for row in REGIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_regions, unload_regions)]
