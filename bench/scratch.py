"""The scratch databases the benchmarks run in (their own, never the portal's)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from core.db import database_url


def scratch_database_recreate(name: str, *, drop_only: bool = False) -> None:
    """End every session of database ``name``, drop it, and (unless ``drop_only``) create it empty."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                       [name])
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')


def run_inner(*, database: str, command: list[str], reuse: bool, keep: bool, write, env: dict | None = None,
              failure: str = "the benchmark failed") -> None:
    """Run a benchmark in its own database: recreate ``database`` (unless ``reuse``), migrate it, run
    ``manage.py <command>`` (its ``--inner`` half) there in a child process, and drop the database
    afterwards unless ``keep``. ``CommandError(failure)`` when the child fails or misses its target."""
    if connection.settings_dict["NAME"] == database:
        raise CommandError("already inside the benchmark database")
    if not reuse:
        scratch_database_recreate(database)
    child_env = dict(os.environ, DATABASE_URL=database_url(database), DJANGO_SETTINGS_MODULE="eqazyna.settings",
                     DEBUG="false", LOG_LEVEL="WARNING", **(env or {}))
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    try:
        started = time.monotonic()
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=child_env, check=True)
        write(f"bench database {database} migrated in {time.monotonic() - started:.1f} s")
        if subprocess.run([*manage, *command], env=child_env).returncode != 0:
            raise CommandError(failure)
    except subprocess.CalledProcessError as exc:
        raise CommandError(f"benchmark setup failed: {exc}") from None
    finally:
        if not keep:
            scratch_database_recreate(database, drop_only=True)
