"""The web benchmark (issue 18): every big list page and endpoint at national size, as an operator,
a department and a school, against a bare ``SELECT … LIMIT 50`` floor measured in the same run.

    python manage.py bench_web [--scale 1] [--requests 20] [--keep] [--reuse]

Creates the database ``eqazyna_bench_web`` on the same PostgreSQL server, migrates it, builds the
data there (``bench.web.build``: 850 schools, 600 k enrolments, 4 M NOBD rows, findings and risk
flags of real runs, a school year of acts ≈ 6 M lines, payments) in a child process, prints the
figures (``bench.web.measure``) and drops the database unless ``--keep``. ``--reuse`` measures a
database kept by an earlier ``--keep`` without building it again. The development database is never
touched.
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

BENCH_DATABASE = "eqazyna_bench_web"


class Command(BaseCommand):
    help = ("Benchmark of the list pages and endpoints at national size (p50/p95, queries, ratio to a SELECT … LIMIT 50 "
            "floor), as an operator, a department and a school; and the detail pages with many lines.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national size (default 1)")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--requests", type=int, default=20, help="requests per figure (default 20)")
        parser.add_argument("--data-dir", default=str(Path(settings.BASE_DIR) / "bench-data"),
                            help="where generated files are kept (and reused)")
        parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
        parser.add_argument("--reuse", action="store_true", help="measure the kept database without building it")
        parser.add_argument("--inner", action="store_true", help=False)

    def handle(self, *args, scale, seed, requests, data_dir, keep, reuse, inner, **options):
        if not 0 < scale <= 2:
            raise CommandError("--scale must be in (0, 2]")
        if requests < 2:
            raise CommandError("--requests must be at least 2")
        if inner:
            from bench.web import build, measure

            if not reuse:
                build(scale=scale, seed=seed, directory=Path(data_dir), write=self.stdout.write)
            measure(requests=requests, write=self.stdout.write)
            return
        if connection.settings_dict["NAME"] == BENCH_DATABASE:
            raise CommandError("already inside the benchmark database")
        if not reuse:
            scratch_database_recreate(BENCH_DATABASE)
        env = dict(os.environ, DATABASE_URL=database_url(BENCH_DATABASE), DJANGO_SETTINGS_MODULE="eqazyna.settings",
                   DEBUG="false", LOG_LEVEL="WARNING")
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        try:
            started = time.monotonic()
            subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
            self.stdout.write(f"bench database {BENCH_DATABASE} migrated in {time.monotonic() - started:.1f} s")
            self.stdout.flush()
            result = subprocess.run([*manage, "bench_web", "--inner", "--scale", str(scale), "--seed", str(seed),
                                     "--requests", str(requests), "--data-dir", data_dir, *(["--reuse"] if reuse else [])],
                                    env=env)
            if result.returncode != 0:
                raise CommandError("the benchmark failed")
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"benchmark setup failed: {exc}") from None
        finally:
            if not keep:
                scratch_database_recreate(BENCH_DATABASE, drop_only=True)
