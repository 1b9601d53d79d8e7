"""The scratch databases the benchmarks run in (their own, never the portal's)."""

from __future__ import annotations

from django.db import connection


def scratch_database_recreate(name: str, *, drop_only: bool = False) -> None:
    """End every session of database ``name``, drop it, and (unless ``drop_only``) create it empty."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                       [name])
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
