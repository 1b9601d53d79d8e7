"""Regions of Kazakhstan by KATO (the national classifier of administrative-territorial objects).

17 regions and the 3 cities of republican significance, as of the 2022 reform
(Abai, Jetisu and Ulytau regions created; Turkistan region code 61).
"""

# (two-digit code, nine-digit KATO, kind, Kazakh, Russian, English)
REGIONS = [
    ("10", "100000000", "region", "Абай облысы", "Абайская область", "Abai Region"),
    ("11", "110000000", "region", "Ақмола облысы", "Акмолинская область", "Akmola Region"),
    ("15", "150000000", "region", "Ақтөбе облысы", "Актюбинская область", "Aktobe Region"),
    ("19", "190000000", "region", "Алматы облысы", "Алматинская область", "Almaty Region"),
    ("23", "230000000", "region", "Атырау облысы", "Атырауская область", "Atyrau Region"),
    ("27", "270000000", "region", "Батыс Қазақстан облысы", "Западно-Казахстанская область", "West Kazakhstan Region"),
    ("31", "310000000", "region", "Жамбыл облысы", "Жамбылская область", "Jambyl Region"),
    ("33", "330000000", "region", "Жетісу облысы", "Жетысуская область", "Jetisu Region"),
    ("35", "350000000", "region", "Қарағанды облысы", "Карагандинская область", "Karaganda Region"),
    ("39", "390000000", "region", "Қостанай облысы", "Костанайская область", "Kostanay Region"),
    ("43", "430000000", "region", "Қызылорда облысы", "Кызылординская область", "Kyzylorda Region"),
    ("47", "470000000", "region", "Маңғыстау облысы", "Мангистауская область", "Mangystau Region"),
    ("55", "550000000", "region", "Павлодар облысы", "Павлодарская область", "Pavlodar Region"),
    ("59", "590000000", "region", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область", "North Kazakhstan Region"),
    ("61", "610000000", "region", "Түркістан облысы", "Туркестанская область", "Turkistan Region"),
    ("62", "620000000", "region", "Ұлытау облысы", "Улытауская область", "Ulytau Region"),
    ("63", "630000000", "region", "Шығыс Қазақстан облысы", "Восточно-Казахстанская область", "East Kazakhstan Region"),
    ("71", "710000000", "city", "Астана қаласы", "город Астана", "Astana"),
    ("75", "750000000", "city", "Алматы қаласы", "город Алматы", "Almaty"),
    ("79", "790000000", "city", "Шымкент қаласы", "город Шымкент", "Shymkent"),
]


# Every region on a tile grid, roughly where it lies (row from the north, column from the west):
# one equal tile per region, so that a map of figures by region needs no geography files.
TILE_GRID = {
    "27": (0, 0), "39": (0, 2), "59": (0, 3), "55": (0, 4), "63": (0, 5),
    "23": (1, 0), "15": (1, 1), "11": (1, 3), "71": (1, 4), "10": (1, 5),
    "47": (2, 0), "62": (2, 2), "35": (2, 3), "33": (2, 5),
    "43": (3, 1), "61": (3, 2), "31": (3, 3), "19": (3, 4),
    "79": (4, 2), "75": (4, 4),
}

def ensure_regions(Region) -> None:
    """Insert or update the reference rows (used by the data migration and by test set-up)."""
    for code, kato, kind, name_kk, name_ru, name_en in REGIONS:
        Region.objects.update_or_create(
            code=code, defaults={"kato": kato, "kind": kind, "name_kk": name_kk, "name_ru": name_ru, "name_en": name_en}
        )
