"""Time the build of one month's acts for 850 schools / 600 000 lines on a database of its own.
(The open data's publication and public answers have their own benchmark: ``bench_opendata``.)

    python manage.py bench_acts [--schools 850] [--lines 600000] [--keep]

Creates the database ``eqazyna_bench_acts`` on the same PostgreSQL server (embedded or
``DATABASE_URL``), migrates it, runs ``bench.acts.run`` there in a child process, prints the
figures and drops the database (unless ``--keep``). The development database is never touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.scratch import scratch_database_recreate
from core.db import database_url

BENCH_DATABASE = "eqazyna_bench_acts"


class Command(BaseCommand):
    help = "Benchmark: build the acts of all schools for one month on a separate database (target ≤ 30 s)."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=850)
        parser.add_argument("--lines", type=int, default=600_000)
        parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
        parser.add_argument("--inner", action="store_true", help="(internal) run inside the benchmark database")

    def handle(self, *args, schools, lines, keep, inner, **options):
        if schools < 1 or lines < 1:
            raise CommandError("--schools and --lines must be positive")
        if inner:
            from bench.acts import run

            figures = run(self.stdout, schools=schools, lines=lines)
            if not figures["ok"]:
                raise CommandError("the benchmark missed its target or its check")
            return
        if connection.settings_dict["NAME"] == BENCH_DATABASE:
            raise CommandError("already inside the benchmark database")
        scratch_database_recreate(BENCH_DATABASE)
        env = dict(os.environ, DATABASE_URL=database_url(BENCH_DATABASE), DJANGO_SETTINGS_MODULE="eqazyna.settings")
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        try:
            started = time.monotonic()
            subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
            self.stdout.write(f"bench database {BENCH_DATABASE} migrated in {time.monotonic() - started:.1f} s")
            result = subprocess.run([*manage, "bench_acts", "--inner", "--schools", str(schools), "--lines", str(lines)],
                                    env=env)
            if result.returncode != 0:
                raise CommandError("the benchmark failed")
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"benchmark setup failed: {exc}") from None
        finally:
            if not keep:
                scratch_database_recreate(BENCH_DATABASE, drop_only=True)
