"""Processor time, which the load of other processes on a shared machine changes far less than wall time.

``server_seconds`` is the processor time the PostgreSQL server has used so far: its postmaster, every live
process it started (backends, parallel workers, autovacuum) and, through the postmaster's count of waited-for
children, every one that has exited. It reads ``/proc`` of the server's processes, so only when the server
runs on this machine under this user (the embedded server of ``make setup``); otherwise it is None and the
benchmark prints wall times only. It counts the whole server: another client of the same server (a test run in
the same checkout) is counted too, so nothing else should use the server while the benchmark runs.
``own_seconds`` is this process's.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

from django.db import connection

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # the fields after the command name (which may hold spaces)


def _postmaster() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    fields = _stat(backend)
    return int(fields[1]) if fields else None  # field 4 of stat: the parent's pid


def server_seconds() -> float | None:
    postmaster = _postmaster()
    fields = _stat(postmaster) if postmaster else None
    if fields is None:
        return None
    # utime, stime, cutime, cstime: fields 14-17 of stat (11-14 after the name and state).
    ticks = sum(int(value) for value in fields[11:15])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            child = _stat(int(entry.name))
            if child and child[1] == str(postmaster):
                ticks += int(child[11]) + int(child[12])
    return ticks / TICKS


def own_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Meter:
    """Wall, server and own processor time of one stretch: ``with Meter() as meter: …``, then ``meter.wall`` …"""

    def __enter__(self) -> Meter:
        import time

        self._clock = time.monotonic
        self._wall, self._server, self._own = self._clock(), server_seconds(), own_seconds()
        return self

    def __exit__(self, *exc) -> None:
        server = server_seconds()
        self.wall = self._clock() - self._wall
        self.server = None if server is None or self._server is None else server - self._server
        self.own = own_seconds() - self._own

    def processor(self) -> float | None:
        """Server and this process together (None when the server's is not readable)."""
        return None if self.server is None else self.server + self.own
