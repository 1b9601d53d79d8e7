"""Demo users: one per role, with known passwords, printed by ``seed_demo``."""

from __future__ import annotations

from accounts.services import user_upsert
from core.roles import Role

# username, role, region code, school BIN (filled by the schools demo), password
DEMO_PASSWORD = "demo-2025"

# Pages name people by full name and position, never by login.
PEOPLE = {
    "department": ("Ерлан", "Жақсылықов", "бас маман"),
    "department_almaty": ("Дана", "Омарова", "бас маман"),
    "school": ("Айгүл", "Серікова", "директор"),
    "operator": ("Мадина", "Ержанова", "қаржы операторы"),
    "operator2": ("Бауыржан", "Тоқтаров", "қаржы операторы"),
    "monitor": ("Сәуле", "Кенжебаева", "аудитор"),
    "admin": ("Тимур", "Әлиев", "жүйелік әкімші"),
}


def seed_users(*, school_bin: str, region_code: str = "71") -> list[tuple[str, str, str]]:
    rows = [
        ("department", Role.DEPARTMENT, region_code, None),
        ("department_almaty", Role.DEPARTMENT, "75", None),
        ("school", Role.SCHOOL, None, school_bin),
        ("operator", Role.OPERATOR, None, None),
        ("operator2", Role.OPERATOR, None, None),
        ("monitor", Role.MONITOR, None, None),
        ("admin", Role.ADMIN, None, None),
    ]
    logins = []
    for username, role, region, school in rows:
        first, last, position = PEOPLE[username]
        user_upsert(username=username, role=role, region_code=region, school_bin=school, password=DEMO_PASSWORD,
                    first_name=first, last_name=last, position=position)
        logins.append((username, role, DEMO_PASSWORD))
    return logins
