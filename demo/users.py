"""Demo users: one per role, with known passwords, printed by ``seed_demo``."""

from __future__ import annotations

from accounts.services import user_upsert
from core.roles import Role

# username, role, region code, school BIN (filled by the schools demo), password
DEMO_PASSWORD = "demo-2025"


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
        user_upsert(username=username, role=role, region_code=region, school_bin=school, password=DEMO_PASSWORD)
        logins.append((username, role, DEMO_PASSWORD))
    return logins
