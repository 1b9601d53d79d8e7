"""Test data builders: plain functions that make valid objects with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools

from accounts.models import User
from core.identifiers import make_bin, make_iin
from core.models import Region

_serial = itertools.count(1)


class RegionRef:
    @staticmethod
    def get(code: str) -> Region:
        return Region.objects.get(code=code)


def next_bin(year: int = 15, month: int = 6) -> str:
    while True:
        value = make_bin(year, month, next(_serial))
        if value:
            return value


def next_iin(birth_date: dt.date = dt.date(2015, 3, 14), sex: str = "male") -> str:
    while True:
        value = make_iin(birth_date, sex, next(_serial) % 10000)
        if value:
            return value


def make_school(*, region: Region, name: str = "Мектеп", bin: str | None = None, **fields):
    from schools.models import School

    defaults = {
        "name_kk": name,
        "name_ru": name,
        "address": "Астана, көше 1",
        "oked": "85.31",
        "capacity": 500,
    }
    defaults.update(fields)
    return School.objects.create(bin=bin or next_bin(), region=region, **defaults)


def make_user(username: str, *, role: str, region: Region | None = None, school=None, password: str = "pass-12345"):
    user = User(username=username, role=role, region=region, school=school)
    user.set_password(password)
    user.save()
    return user
