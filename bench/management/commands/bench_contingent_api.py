"""``make bench``: a 600 k-row contingent file through the API, with a real web server and worker.

    python manage.py bench_contingent_api [--rows 600000] [--keep] [--here]

Creates the database ``eqazyna_bench_api`` on the same PostgreSQL server (embedded or
``DATABASE_URL``), migrates it, runs ``bench.contingent_api.run`` there in a child process (which
starts gunicorn and a Celery worker on it), prints the figures and drops the database (unless
``--keep``). ``--here`` uses the current database instead (the tests). The generated file is kept
in ``bench-data/`` and reused.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.scratch import scratch_database_recreate
from core.db import database_url

BENCH_DATABASE = "eqazyna_bench_api"


class Command(BaseCommand):
    help = "Benchmark: upload, check and apply a 600 k-row contingent file through the API (target < 60 s)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=600_000)
        parser.add_argument("--data-dir", default=str(Path(settings.BASE_DIR) / "bench-data"))
        parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
        parser.add_argument("--here", action="store_true", help="use the current database (tests)")
        parser.add_argument("--inline-max-kb", type=int, default=None, help="the servers' IMPORT_INLINE_MAX_KB (tests)")
        parser.add_argument("--inner", action="store_true", help=False)

    def handle(self, *args, rows, data_dir, keep, here, inline_max_kb, inner, **options):
        if rows < 1:
            raise CommandError("--rows must be positive")
        if here or inner:
            from bench.contingent_api import run

            if not run(rows=rows, data_dir=Path(data_dir), write=self.stdout.write, inline_max_kb=inline_max_kb):
                raise CommandError("the benchmark missed its target")
            return
        if connection.settings_dict["NAME"] == BENCH_DATABASE:
            raise CommandError("already inside the benchmark database; use --here")
        scratch_database_recreate(BENCH_DATABASE)
        env = dict(os.environ, DATABASE_URL=database_url(BENCH_DATABASE), DJANGO_SETTINGS_MODULE="eqazyna.settings",
                   DEBUG="false", LOG_LEVEL="WARNING")
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        try:
            started = time.monotonic()
            subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
            self.stdout.write(f"bench database {BENCH_DATABASE} migrated in {time.monotonic() - started:.1f} s")
            result = subprocess.run([*manage, "bench_contingent_api", "--inner", "--rows", str(rows), "--data-dir", data_dir],
                                    env=env)
            if result.returncode != 0:
                raise CommandError("the benchmark failed or missed its target")
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"benchmark setup failed: {exc}") from None
        finally:
            if not keep:
                scratch_database_recreate(BENCH_DATABASE, drop_only=True)
