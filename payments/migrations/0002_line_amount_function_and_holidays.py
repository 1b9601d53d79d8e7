"""The SQL twin of ``payments.money.line_amount`` and the public holidays of Kazakhstan.

Holidays: the fixed public holidays of the Labour Code (art. 84) and the first day of Kurban
Ait; a non-religious holiday falling on a Saturday or Sunday moves the day off to the next
working day. Later government transfers are added in the admin.
"""

import datetime as dt

from django.db import migrations

# Kept here verbatim (a migration must not change when the code does); payments.money holds
# the same text and a test compares the function in the database with it.
LINE_AMOUNT_SQL = """
CREATE OR REPLACE FUNCTION payments_line_amount(norm numeric, coefficient numeric, days integer, days_in_month integer)
RETURNS numeric(16, 2)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    -- numeric division is exact enough that the half-up rounding below is the exact one
    -- (round() on a positive numeric rounds half away from zero = half-up).
    SELECT round(norm * coefficient * days / days_in_month, 2)::numeric(16, 2)
$$;
"""

FIXED = [
    # (month, day, kk, ru, en)
    (1, 1, "Жаңа жыл", "Новый год", "New Year"),
    (1, 2, "Жаңа жыл", "Новый год", "New Year"),
    (3, 8, "Халықаралық әйелдер күні", "Международный женский день", "International Women's Day"),
    (3, 21, "Наурыз мейрамы", "Наурыз мейрамы", "Nauryz"),
    (3, 22, "Наурыз мейрамы", "Наурыз мейрамы", "Nauryz"),
    (3, 23, "Наурыз мейрамы", "Наурыз мейрамы", "Nauryz"),
    (5, 1, "Қазақстан халқының бірлігі мерекесі", "Праздник единства народа Казахстана", "Unity Day"),
    (5, 7, "Отан қорғаушы күні", "День защитника Отечества", "Defender of the Fatherland Day"),
    (5, 9, "Жеңіс күні", "День Победы", "Victory Day"),
    (7, 6, "Астана күні", "День столицы", "Capital Day"),
    (8, 30, "Конституция күні", "День Конституции", "Constitution Day"),
    (10, 25, "Республика күні", "День Республики", "Republic Day"),
    (12, 16, "Тәуелсіздік күні", "День Независимости", "Independence Day"),
]
RELIGIOUS = [
    ((1, 7), "Православиелік Рождество", "Рождество Христово", "Orthodox Christmas"),
]
KURBAN_AIT = {2025: dt.date(2025, 6, 6), 2026: dt.date(2026, 5, 27), 2027: dt.date(2027, 5, 16), 2028: dt.date(2028, 5, 5)}
YEARS = range(2025, 2029)


def holidays():
    days = {}
    for year in YEARS:
        fixed = {dt.date(year, m, d): (kk, ru, en) for m, d, kk, ru, en in FIXED}
        days.update(fixed)
        for (month, day), kk, ru, en in RELIGIOUS:
            days[dt.date(year, month, day)] = (kk, ru, en)
        days[KURBAN_AIT[year]] = ("Құрбан айт", "Курбан айт", "Kurban Ait")
        for date, (kk, ru, en) in sorted(fixed.items()):
            if date.weekday() >= 5:
                moved = date
                while moved.weekday() >= 5 or moved in days:
                    moved += dt.timedelta(days=1)
                days[moved] = (f"{kk} (ауыстырылған демалыс)", f"{ru} (перенос выходного)", f"{en} (day off moved)")
    return days


def add_holidays(apps, schema_editor):
    Holiday = apps.get_model("payments", "Holiday")
    for date, (kk, ru, en) in sorted(holidays().items()):
        Holiday.objects.update_or_create(date=date, defaults={"name_kk": kk, "name_ru": ru, "name_en": en})


def remove_holidays(apps, schema_editor):
    apps.get_model("payments", "Holiday").objects.filter(date__year__in=list(YEARS)).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [
        migrations.RunSQL(LINE_AMOUNT_SQL, "DROP FUNCTION IF EXISTS payments_line_amount(numeric, numeric, integer, integer);"),
        migrations.RunPython(add_holidays, remove_holidays),
    ]
