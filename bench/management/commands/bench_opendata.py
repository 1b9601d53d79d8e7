"""The open data benchmark (issue 15): one publication at national size, then every public page and open API
answer (p50/p95, queries, ratio to a floor measured in the same run; target p95 ≤ 100 ms).

    python manage.py bench_opendata [--scale 1] [--requests 20] [--keep] [--reuse] [--database NAME]

Creates the database ``eqazyna_bench_open`` on the same PostgreSQL server, migrates it, builds the national
data there with the web benchmark's builder (``bench.web.build``: 850 schools, 600 k enrolments, findings, a
school year of acts, payments) in a child process, publishes and measures (``bench.opendata``), and drops the
database unless ``--keep``. ``--reuse`` measures a kept database without building it again; with
``--database eqazyna_bench_web --reuse`` it measures the database ``bench_web --keep`` left. The development
database is never touched.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.scratch import run_inner

BENCH_DATABASE = "eqazyna_bench_open"


class Command(BaseCommand):
    help = ("Benchmark of the open data at national size: the publication, then every public page and open API "
            "answer (p50/p95, queries, ratio to a SELECT … LIMIT 50 floor; target p95 ≤ 100 ms).")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national size (default 1)")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--requests", type=int, default=20, help="requests per figure (default 20)")
        parser.add_argument("--data-dir", default=str(Path(settings.BASE_DIR) / "bench-data"),
                            help="where generated files are kept (and reused)")
        parser.add_argument("--database", default=BENCH_DATABASE, help=f"benchmark database (default {BENCH_DATABASE})")
        parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
        parser.add_argument("--reuse", action="store_true", help="measure the kept database without building it")
        parser.add_argument("--inner", action="store_true", help=False)

    def handle(self, *args, scale, seed, requests, data_dir, database, keep, reuse, inner, **options):
        if not 0 < scale <= 2:
            raise CommandError("--scale must be in (0, 2]")
        if requests < 2:
            raise CommandError("--requests must be at least 2")
        if not database.startswith("eqazyna_bench_"):
            raise CommandError("--database must be a benchmark database (eqazyna_bench_…)")
        if inner:
            from bench.opendata import measure, publish
            from bench.web import BUILD_TODAY, build

            if not reuse:
                build(scale=scale, seed=seed, directory=Path(data_dir), write=self.stdout.write)
            publish(as_of=BUILD_TODAY, write=self.stdout.write)
            if not measure(requests=requests, write=self.stdout.write):
                raise CommandError("the open data missed its target")
            return
        run_inner(database=database, reuse=reuse, keep=keep, write=self._write,
                  env={"OPEN_DATA_DIR": str(Path(data_dir) / f"opendata-{database}")},
                  command=["bench_opendata", "--inner", "--scale", str(scale), "--seed", str(seed), "--requests",
                           str(requests), "--data-dir", data_dir, "--database", database, *(["--reuse"] if reuse else [])],
                  failure="the benchmark failed or missed its target")

    def _write(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
