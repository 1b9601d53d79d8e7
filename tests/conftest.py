"""Shared fixtures: named users for every role, API clients, reference data."""

from __future__ import annotations

import os

import pytest

from tests.factories import RegionRef, make_school, make_user
from tests.openapi import CheckedAPIClient

pytest_plugins = ["tests.signatures.fixtures"]  # the test PKI, fake OCSP/CRL server, signers (also for browser tests)


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_guard():
    """Transactional tests empty every table with TRUNCATE; the audit tables refuse it (core migrations
    0005-0006). The flush between tests runs as the session's own role and tells the guard it may."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        original(self, ["SET LOCAL ROLE NONE", "SET LOCAL eqazyna.audit_truncate = 'allow'", *sql_list])

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush the tables, data migrations included: put the regions back."""
    marker = request.node.get_closest_marker("django_db")
    transactional_marker = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if transactional_marker or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        from core.data.regions import ensure_regions
        from core.models import Region

        request.getfixturevalue("transactional_db")
        ensure_regions(Region)


@pytest.fixture
def region_astana(db):
    return RegionRef.get("71")


@pytest.fixture
def region_almaty(db):
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
    """An API client (its answers checked against the schema); ``api.force_authenticate(user)`` acts as someone."""
    return CheckedAPIClient()


@pytest.fixture
def api_as():
    def _client(user) -> CheckedAPIClient:
        client = CheckedAPIClient()
        client.force_authenticate(user)
        return client

    return _client


# --- EQAZYNA_REQUIRE_BROWSER=1 (CI): the run fails unless real-browser tests ran and passed ---
_browser_passed = []


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed and "browser" in report.keywords:
        _browser_passed.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("EQAZYNA_REQUIRE_BROWSER") == "1" and not _browser_passed and exitstatus == 0:
        session.config.get_terminal_writer().line(
            "EQAZYNA_REQUIRE_BROWSER=1 but no browser test ran and passed: failing the run.", red=True
        )
        session.exitstatus = 1


@pytest.fixture
def tasks_sent(monkeypatch):
    """What the outbox hands to the broker (``core.outbox.broker_send``), as (task name, args); nothing reaches Redis."""
    sent = []
    monkeypatch.setattr("core.outbox.broker_send", lambda row: sent.append((row.name, tuple(row.args))))
    return sent


@pytest.fixture
def tasks_run_inline(monkeypatch):
    """Like ``tasks_sent``, and each task also runs at once, as the worker would."""
    from celery import current_app

    sent = []

    def send(row):
        sent.append((row.name, tuple(row.args)))
        current_app.tasks[row.name](*row.args, **row.kwargs)

    monkeypatch.setattr("core.outbox.broker_send", send)
    return sent
