from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import make_school, make_user
from tests.procurement.factories import at


class Clock:
    """The portal's clock in a test: ``clock.set(day, hour)``; ``timezone.now`` (and so today) follows it."""

    def __init__(self, moment: dt.datetime):
        self.moment = moment

    def set(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        self.moment = at(day, hour, minute)
        return self.moment

    def advance(self, **delta) -> dt.datetime:
        self.moment += dt.timedelta(**delta)
        return self.moment

    def __call__(self) -> dt.datetime:
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    value = Clock(at(dt.date(2025, 6, 10)))
    monkeypatch.setattr(timezone, "now", value)
    return value


@pytest.fixture
def school_c(db, region_astana):
    return make_school(region=region_astana, name="Мектеп В")


@pytest.fixture
def school_c_user(db, school_c):
    return make_user("school_c", role="school", school=school_c)
