"""Demo schools in several regions."""

from __future__ import annotations

from core.identifiers import make_bin
from core.models import Region
from schools.models import School

DEMO_SCHOOLS = [
    # (bin serial, region, name kk, name ru, oked, capacity)
    (101, "71", "«Болашақ» жекеменшік мектебі", "Частная школа «Болашак»", "85.31", 600),
    (102, "71", "«Зерде» мектеп-гимназиясы", "Школа-гимназия «Зерде»", "85.31", 400),
    (103, "75", "«Алатау» жеке мектебі", "Частная школа «Алатау»", "85.31", 800),
    (104, "79", "«Ақниет» мектебі", "Школа «Акниет»", "85.20", 300),
]


def seed_schools() -> list[School]:
    schools = []
    for serial, region, name_kk, name_ru, oked, capacity in DEMO_SCHOOLS:
        bin_value = make_bin(18, 3, serial)
        school, _ = School.objects.update_or_create(
            bin=bin_value,
            defaults={
                "name_kk": name_kk,
                "name_ru": name_ru,
                "region": Region.objects.get(code=region),
                "oked": oked,
                "capacity": capacity,
                "address": "",
            },
        )
        schools.append(school)
    return schools
