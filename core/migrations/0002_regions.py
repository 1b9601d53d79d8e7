from django.db import migrations

from core.data.regions import REGIONS


def load_regions(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    for code, kato, kind, name_kk, name_ru, name_en in REGIONS:
        Region.objects.update_or_create(
            code=code, defaults={"kato": kato, "kind": kind, "name_kk": name_kk, "name_ru": name_ru, "name_en": name_en}
        )


def unload_regions(apps, schema_editor):
    apps.get_model("core", "Region").objects.filter(code__in=[row[0] for row in REGIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_regions, unload_regions)]
