"""Daily NOBD snapshots for the benchmark: 30 national-size files, 0.5 % of rows changing each day.

The snapshot of D is the generated ``nobd.csv`` itself (its planted anomalies are what the checks
and the risk flags must find). The files of the days before are derived from it, backwards:

* between day t − 1 and day t, a fixed random 0.5 % of all rows changes (rows of state schools:
  their grade moves by one), drawn afresh for every day — so each import closes and adds about
  20 000 rows of the 4 M;
* every day before D also has the rows that vanish on D (``Generated.vanishing_rows``: R05 is raised
  for those at portal schools active on D − 1 day) and a few rows of portal schools with another grade
  (the same pupil, school and start: no R05).

``write_day`` streams ``nobd.csv`` once per file (never all of it in memory), so the process stays
small. Files are written just before their import and deleted after it.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from pathlib import Path

from bench.data import Generated

CHANGE_SHARE = 0.005
GRADE_FIELD = 6  # iin,last_name,first_name,middle_name,birth_date,school_bin,grade,…


class DailyFiles:
    def __init__(self, generated: Generated, *, days: int, seed: int):
        self.generated = generated
        self.days = days
        rng = random.Random(seed + 3)
        first, last = generated.state_lines
        per_day = max(int(generated.nobd_rows * CHANGE_SHARE), 1)
        # line (data row) -> the sorted days 1 … days−1 on which it changes (day t: between t − 1 and t)
        changes: dict[int, list[int]] = {}
        for day in range(1, days):
            for line in rng.sample(range(first, last), min(per_day, last - first)):
                changes.setdefault(line, []).append(day)
        self.changes = changes
        self.changed_per_day = per_day
        self.portal_lines = set(generated.portal_lines)

    def date_of(self, day: int, check_date: dt.date) -> dt.date:
        """Day 0 … days − 1; the last is D."""
        return check_date - dt.timedelta(days=self.days - 1 - day)

    def write_day(self, day: int, path: Path) -> Path:
        """The snapshot file of ``day`` (the last day is ``nobd.csv`` itself, returned as is)."""
        if day == self.days - 1:
            return self.generated.nobd_path
        with open(self.generated.nobd_path, encoding="utf-8") as source, open(path, "w", encoding="utf-8", newline="") as out:
            out.write(source.readline())
            for line_number, line in enumerate(source):
                days = self.changes.get(line_number)
                shift = len(days) - bisect_right(days, day) if days else 0  # changes still to come after this day
                if line_number in self.portal_lines:
                    shift += 1  # another grade before D
                if shift:
                    fields = line.rstrip("\n").split(",")
                    fields[GRADE_FIELD] = str((int(fields[GRADE_FIELD]) + shift) % 12)
                    line = ",".join(fields) + "\n"
                out.write(line)
            for row in self.generated.vanishing_rows:
                out.write(row + "\n")
        return path
