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

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.scratch import run_inner

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
        run_inner(database=BENCH_DATABASE, reuse=reuse, keep=keep, write=self._write,
                  command=["bench_web", "--inner", "--scale", str(scale), "--seed", str(seed), "--requests", str(requests),
                           "--data-dir", data_dir, *(["--reuse"] if reuse else [])])

    def _write(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
