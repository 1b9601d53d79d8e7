"""``make bench``: the load test (see ``bench/load.py``).

    python manage.py bench_load [--users 50] [--minutes 10] [--throughput-seconds 60] [--keep] [--here]

Creates the database ``eqazyna_bench_load`` on the same PostgreSQL server, migrates it, runs the
load test there in a child process and drops the database (unless ``--keep``); ``--here`` uses the
current database.
"""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.scratch import scratch_database_recreate
from core.db import database_url

BENCH_DATABASE = "eqazyna_bench_load"


class Command(BaseCommand):
    help = "Benchmark: locust over every role's pages and API for a while (target: 0 errors, p95 <= 300 ms)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="simulated users, one request a second each")
        parser.add_argument("--minutes", type=float, default=10.0)
        parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
        parser.add_argument("--here", action="store_true", help="use the current database")
        parser.add_argument("--throughput-seconds", type=int, default=60,
                            help="then the throughput of a scoped 50-row list against the regions floor, each measured "
                                 "this long once its clients have signed in (after up to 20 s for that; 0: skip)")

    def handle(self, *args, users, minutes, keep, here, throughput_seconds, **options):
        if users < 1 or minutes <= 0:
            raise CommandError("--users and --minutes must be positive")
        if here:
            from bench.load import run

            if not run(users=users, minutes=minutes, write=self.stdout.write, throughput_seconds=throughput_seconds):
                raise CommandError("the load test missed its target")
            return
        scratch_database_recreate(BENCH_DATABASE)
        env = dict(os.environ, DATABASE_URL=database_url(BENCH_DATABASE), DJANGO_SETTINGS_MODULE="eqazyna.settings",
                   DEBUG="false", LOG_LEVEL="WARNING")
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        try:
            subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
            result = subprocess.run([*manage, "bench_load", "--here", "--users", str(users), "--minutes", str(minutes),
                                     "--throughput-seconds", str(throughput_seconds)], env=env)
            if result.returncode != 0:
                raise CommandError("the load test failed or missed its target")
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"load test setup failed: {exc}") from None
        finally:
            if not keep:
                scratch_database_recreate(BENCH_DATABASE, drop_only=True)
