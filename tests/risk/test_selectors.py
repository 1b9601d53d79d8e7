import pytest

from core.data.regions import REGIONS
from core.models import Region
from risk.selectors import region_map


@pytest.mark.django_db
class RegionMapTests:
    def table(self, flagged_by_region: dict) -> list[dict]:
        return [{"region": Region.objects.get(code=code), "schools": 10, "flagged": flagged, "outliers": 0, "codes": []}
                for code, flagged in flagged_by_region.items()]

    def test_every_region_has_one_tile_and_the_shade_grows_with_the_flagged_schools(self, region_astana):
        tiles = {tile["region"].code: tile for tile in region_map(self.table({"71": 8, "75": 6, "79": 4, "10": 1, "11": 0}))}
        assert set(tiles) == {code for code, *_ in REGIONS}
        assert {code: tiles[code]["shade"] for code in ("71", "75", "79", "10", "11", "63")} == {
            "71": 4, "75": 3, "79": 2, "10": 1, "11": 0, "63": 0}
        assert tiles["63"]["row"] is None and tiles["11"]["row"]["flagged"] == 0
        assert len({(tile["grid_row"], tile["grid_column"]) for tile in tiles.values()}) == len(tiles)

    def test_without_any_flagged_school_every_tile_is_unshaded(self, region_astana):
        assert {tile["shade"] for tile in region_map(self.table({"71": 0}))} == {0}
        assert {tile["shade"] for tile in region_map([])} == {0}
