"""``make bench``: the national-scale benchmark, on its own database (see bench/checks.py)."""

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.checks import run_benchmark
from bench.data import Plan
from core.db import database_url


def _ensure_database(name: str) -> None:
    import psycopg2

    db = connection.settings_dict
    server = psycopg2.connect(dbname="postgres", user=db["USER"], password=db.get("PASSWORD") or None,
                              host=db["HOST"] or None, port=db["PORT"] or None,
                              options=(db.get("OPTIONS") or {}).get("options"))  # created as the portal's role
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        server.close()


class Command(BaseCommand):
    help = ("National-scale benchmark: generate ~4 M NOBD enrolments (3.4 M in 7,000 state schools, 600 k in 850 "
            "private schools) with planted anomalies and risk flags, then time the bulk contingent load, 30 daily "
            "nobd_imports (storage of the history), the nightly import, run_checks, run_risk and the floor (raw COPY + "
            "one statement); print the figures. Runs in its own database.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national size (default 1)")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--days", type=int, default=30,
                            help="daily NOBD snapshots imported up to D, 0.5 %% of rows changing each day (default 30)")
        parser.add_argument("--data-dir", default=str(Path(settings.BASE_DIR) / "bench-data"),
                            help="where generated files are kept (and reused)")
        parser.add_argument("--database", default="eqazyna_bench", help="database to create and use (default eqazyna_bench)")
        parser.add_argument("--here", action="store_true", help="use the current database (tests); it is emptied first")
        parser.add_argument("--inner", action="store_true", help=False)

    def handle(self, *args, **options):
        if options["scale"] <= 0 or options["scale"] > 2:
            raise CommandError("--scale must be in (0, 2]")
        if not options["here"] and not options["inner"]:
            if connection.settings_dict["NAME"] == options["database"]:
                raise CommandError("already on the benchmark database; use --here")
            _ensure_database(options["database"])
            env = dict(os.environ, DATABASE_URL=database_url(options["database"]), DEBUG="false", LOG_LEVEL="WARNING")
            argv = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "--inner",
                    "--scale", str(options["scale"]), "--seed", str(options["seed"]), "--data-dir", options["data_dir"],
                    "--days", str(options["days"])]
            sys.stdout.flush()
            os.execve(sys.executable, argv, env)  # the same process (and its peak RSS) continues on the bench database
        if options["inner"]:
            self.stdout.write(f"benchmark database: {connection.settings_dict['NAME']}")
            call_command("migrate", verbosity=0, interactive=False)
        plan = Plan(scale=options["scale"], seed=options["seed"])
        if options["days"] < 2:
            raise CommandError("--days must be at least 2 (the nightly import needs the night before)")
        ok = run_benchmark(plan=plan, directory=Path(options["data_dir"]), write=self.stdout.write, days=options["days"])
        if not ok:
            self.stdout.write("at least one target was missed")
