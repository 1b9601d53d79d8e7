"""A real Celery worker process for tests, on the real Redis, against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from core.db import database_url


def test_database_url() -> str:
    return database_url()  # the test database: pytest-django has renamed the connection's NAME


def purge_queue() -> None:
    from eqazyna.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE)


@contextmanager
def running_worker(*, extra_env: dict | None = None, concurrency: int = 1, purge: bool = True):
    """Start ``celery worker`` in a subprocess (on an emptied queue unless ``purge`` is false); stop it
    (TERM, then KILL) when the block ends."""
    if purge:
        purge_queue()
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "eqazyna.settings_test",
        "DATABASE_URL": test_database_url(),
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
    })
    env.update(extra_env or {})
    celery = Path(sys.executable).with_name("celery")
    log = open(Path(settings.BASE_DIR) / ".data" / "test-worker.log", "ab")
    process = subprocess.Popen(
        [str(celery), "-A", "eqazyna", "worker", "--loglevel=INFO", "--pool=prefork",
         f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "--hostname=test-worker@%h"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def wait_for(predicate, *, timeout: float = 60.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
