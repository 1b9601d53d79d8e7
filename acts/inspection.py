"""Acceptance after inspection: which lines of an act version the department inspects.

The inspection sample of a version is:

1. every line with an **open finding** (error or warning; which findings concern a line is
   ``checks.blocking.concerns_sql``), and
2. a **random part** of ``ACT_INSPECTION_SAMPLE_SIZE`` other lines (setting, default 10; all of
   them when there are fewer), **weighted by risk**.

Risk weight of a line (``WEIGHTS``; the weights in force are stored with each sample, so that a
later change of them never changes how an old sample reads):

* ``base`` 1;
* ``+ newly_enrolled`` (2) when its enrolment began in the act's month or the month before, after
  the first day of the school year (the usual intake on 1 September does not count): mid-year
  enrolments and quick transfers are where pupils were billed who studied elsewhere;
* ``+ part_month`` (1) when it is billed for part of the month only (the pupil joined or left);
* ``+ cleared_finding`` (2) for each live finding that no longer blocks it (an explained warning,
  a waived error): cleared on paper, worth a look on site;
* all times the line's amount ÷ the mean amount of the version's lines, kept within
  ``amount_factor_min``–``amount_factor_max`` (0.25–4): where more money is at stake, more weight.

The draw is reproducible from the sample's seed (exponential clocks, Efraimidis–Spirakis): each
candidate line gets ``u`` = SHA-256 of ``"<seed>:<line id>"`` read as a number in (0, 1) and the key
``−ln(u) ÷ weight``; the lines with the smallest keys are drawn. Anyone holding the seed, the lines
and the weights draws the same sample again (``draw``); a line of twice the weight is about twice
as likely to be drawn. The seed comes from ``secrets`` when the department draws the sample.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from acts.models import Act
from checks.blocking import LIVE_SQL, concerns_sql
from checks.choices import FindingStatus
from core.calendar import month_start, school_year_start

WEIGHTS: dict[str, str] = {
    "base": "1",
    "newly_enrolled": "2",
    "part_month": "1",
    "cleared_finding": "2",
    "amount_factor_min": "0.25",
    "amount_factor_max": "4",
}
WEIGHT_PLACES = Decimal("0.0001")
SEED_BITS = 62


def new_seed() -> int:
    return secrets.randbits(SEED_BITS)


@dataclass(frozen=True)
class Candidate:
    """What the sample rule knows of one line."""

    line_id: int
    amount: Decimal
    open_findings: int
    cleared_findings: int
    newly_enrolled: bool
    part_month: bool


def open_findings_sql(subject: str) -> str:
    """SQL: how many open findings (any severity) concern the line row ``subject``."""
    return f"(SELECT count(*) FROM checks_finding f WHERE {concerns_sql(subject)} AND f.status = '{FindingStatus.OPEN}')"


def cleared_findings_sql(subject: str) -> str:
    """SQL: how many live findings that are no longer open (explained, waived) concern the line row ``subject``."""
    return (f"(SELECT count(*) FROM checks_finding f WHERE {concerns_sql(subject)} AND f.status IN {LIVE_SQL}"
            f" AND f.status <> '{FindingStatus.OPEN}')")


CANDIDATES_SQL = f"""
SELECT l.id, l.amount, {open_findings_sql('l')}, {cleared_findings_sql('l')},
       e.enrolled_on >= %(recent)s AND e.enrolled_on > %(year_start)s,
       l.days < l.days_in_month
  FROM acts_actline l JOIN contingent_enrolment e ON e.id = l.enrolment_id
 WHERE l.act_id = %(act)s AND l.version = %(version)s
 ORDER BY l.id
"""


def candidates(act: Act, version: int | None = None) -> list[Candidate]:
    """Every line of the act version with its risk features (one query)."""
    recent = month_start(act.month - dt.timedelta(days=1))  # the first day of the month before
    with connection.cursor() as cursor:
        cursor.execute(CANDIDATES_SQL, {"recent": recent, "year_start": school_year_start(act.month), "act": act.pk,
                                        "version": version or act.version})
        return [Candidate(line_id, amount, open_count, cleared, newly, part)
                for line_id, amount, open_count, cleared, newly, part in cursor.fetchall()]


def line_weight(candidate: Candidate, mean_amount: Decimal, weights: dict[str, str] = WEIGHTS) -> Decimal:
    w = {key: Decimal(value) for key, value in weights.items()}
    risk = (w["base"] + w["newly_enrolled"] * candidate.newly_enrolled + w["part_month"] * candidate.part_month
            + w["cleared_finding"] * candidate.cleared_findings)
    factor = candidate.amount / mean_amount if mean_amount > 0 else Decimal(1)
    factor = min(max(factor, w["amount_factor_min"]), w["amount_factor_max"])
    return (risk * factor).quantize(WEIGHT_PLACES, rounding=ROUND_HALF_UP)


def uniform(seed: int, line_id: int) -> float:
    """A number in (0, 1) fixed by the seed and the line."""
    digest = hashlib.sha256(f"{seed}:{line_id}".encode()).digest()
    return (int.from_bytes(digest[:7], "big") + 0.5) / 2**56


def draw_key(seed: int, line_id: int, weight: Decimal) -> float:
    return -math.log(uniform(seed, line_id)) / float(weight)


@dataclass(frozen=True)
class Drawn:
    line_id: int
    open_finding: bool  # in the sample for its open finding (else drawn at random)
    weight: Decimal
    rank: int  # 0 for open-finding lines; 1, 2 … in drawing order for the random part


def draw(lines: list[Candidate], *, seed: int, size: int, weights: dict[str, str] = WEIGHTS) -> list[Drawn]:
    """The sample of ``lines``: every line with an open finding, then ``size`` others by weighted draw."""
    mean = (sum((c.amount for c in lines), Decimal(0)) / len(lines)) if lines else Decimal(0)
    flagged = sorted((Drawn(c.line_id, True, line_weight(c, mean, weights), 0) for c in lines if c.open_findings),
                     key=lambda d: d.line_id)
    others = [(c.line_id, line_weight(c, mean, weights)) for c in lines if not c.open_findings]
    others = [(line_id, weight) for line_id, weight in others if weight > 0]
    others.sort(key=lambda item: (draw_key(seed, item[0], item[1]), item[0]))
    return flagged + [Drawn(line_id, False, weight, rank) for rank, (line_id, weight) in enumerate(others[:size], start=1)]
