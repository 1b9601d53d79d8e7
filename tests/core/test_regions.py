import pytest

from core.models import Region


@pytest.mark.django_db
class RegionTests:
    def test_the_migration_loads_17_regions_and_3_cities(self):
        assert Region.objects.filter(kind="region").count() == 17
        assert set(Region.objects.filter(kind="city").values_list("code", flat=True)) == {"71", "75", "79"}

    def test_every_region_has_names_in_three_languages_and_a_consistent_kato(self):
        for region in Region.objects.all():
            assert region.name_kk and region.name_ru and region.name_en
            assert region.kato == f"{region.code}0000000"

    def test_region_name_follows_the_active_language(self):
        from django.utils import translation

        astana = Region.objects.get(code="71")
        with translation.override("kk"):
            assert astana.name == "Астана қаласы"
        with translation.override("ru"):
            assert astana.name == "город Астана"
        with translation.override("en"):
            assert astana.name == "Astana"

    def test_regions_api_is_public(self, api):
        response = api.get("/api/v1/regions/")
        assert response.status_code == 200
        assert len(response.json()) == 20
