"""Shared fixtures: named users for every role, API clients, a real Celery worker."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import RegionRef, make_school, make_user


@pytest.fixture
def region_astana():
    return RegionRef.get("71")


@pytest.fixture
def region_almaty():
    return RegionRef.get("75")


@pytest.fixture
def school_a(db, region_astana):
    return make_school(region=region_astana, name="Мектеп А")


@pytest.fixture
def school_b(db, region_almaty):
    return make_school(region=region_almaty, name="Мектеп Б")


@pytest.fixture
def department_user(db, region_astana):
    return make_user("dept_astana", role="department", region=region_astana)


@pytest.fixture
def other_department_user(db, region_almaty):
    return make_user("dept_almaty", role="department", region=region_almaty)


@pytest.fixture
def school_user(db, school_a):
    return make_user("school_a", role="school", school=school_a)


@pytest.fixture
def other_school_user(db, school_b):
    return make_user("school_b", role="school", school=school_b)


@pytest.fixture
def operator_user(db):
    return make_user("operator1", role="operator")


@pytest.fixture
def second_operator_user(db):
    return make_user("operator2", role="operator")


@pytest.fixture
def monitor_user(db):
    return make_user("monitor1", role="monitor")


@pytest.fixture
def admin_user_portal(db):
    return make_user("admin1", role="admin")


@pytest.fixture
def api():
    """An API client; call ``api.force_authenticate(user)`` to act as someone."""
    return APIClient()


@pytest.fixture
def api_as():
    def _client(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _client
