from django.contrib import admin

from acts.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """Public holidays (not working days for the review deadline); add government transfers here."""

    list_display = ["date", "name_kk", "name_ru", "name_en"]
    date_hierarchy = "date"
    search_fields = ["name_kk", "name_ru", "name_en"]
