"""PostgreSQL advisory locks shared by several apps, each declared once with what it protects.

* ``CHECK_RUN_LOCK`` — held by the process that executes a check run, for the whole run (one run
  at a time); NOBD snapshot rows are pruned only by whoever can take it (a run must never lose
  the rows it reads). ``checks`` (the engine and the pipeline) and ``contingent`` (pruning) use it,
  neither importing the other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class AdvisoryLock:
    key: int
    protects: str

    def try_acquire(self) -> bool:
        """Take the lock for this session (until ``release``) if nobody holds it."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
            return bool(cursor.fetchone()[0])

    def acquire(self, wait_seconds: float, poll: float = 1.0) -> bool:
        """Take the lock for this session, waiting up to ``wait_seconds`` for its holder to finish."""
        deadline = time.monotonic() + wait_seconds
        while not self.try_acquire():
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll)
        return True

    def release(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])

    def try_acquire_for_transaction(self) -> bool:
        """Take the lock until the current transaction ends, if nobody holds it."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [self.key])
            return bool(cursor.fetchone()[0])

    def acquire_for_transaction(self) -> None:
        """Take the lock until the current transaction ends, waiting for its holder."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [self.key])

    def held_elsewhere(self) -> bool:
        """Another session holds the lock now (this session does not keep it)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
            acquired = cursor.fetchone()[0]
            if acquired:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])
        return not acquired


CHECK_RUN_LOCK = AdvisoryLock(7_301_202_511, "one check run at a time; the NOBD snapshot rows it reads")
