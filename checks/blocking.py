"""Which findings concern a subject, and which of them block its payment — the one home of both rules.

* **Concerns.** A finding concerns a subject (an act line: one enrolment at one school, at one
  level) when it is about that enrolment (pupil codes P01–P07), or about the subject's school as
  a whole (S02, S03, S04: ``level`` empty), or about the school and the subject's level (S01, S05).
* **Blocks payment.** A finding blocks payment of what it concerns when it is an error that is
  still open (CONTRACT: "A line of an act with an open error finding is not payable until it is
  resolved"): an explained warning, a waived or a resolved finding does not block.
* **Live.** A finding is live while a run may still keep or close it (open, explained, waived).

Python (``finding_concerns``, ``finding_blocks``: ``Finding.is_blocking`` asks it), SQL
(``concerns_sql``, ``blocking_sql``, ``blocked_sql``, ``LIVE_SQL``) and ORM (``blocking_q``)
forms are generated here from the same constants; ``tests/checks/test_blocking.py`` proves on
real PostgreSQL that they agree. The acts and payments read these, never their own copies.
"""

from __future__ import annotations

from django.db.models import Q

from checks.choices import LIVE_STATUSES, FindingStatus, Severity

BLOCKING_SEVERITIES: tuple[str, ...] = (Severity.ERROR,)
BLOCKING_STATUSES: tuple[str, ...] = (FindingStatus.OPEN,)
SCHOOL_WIDE_LEVEL = ""  # a finding about the school as a whole has no level


def _sql_list(values) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


LIVE_SQL = _sql_list(LIVE_STATUSES)


def finding_blocks(*, severity: str, status: str) -> bool:
    """A finding of this severity and status blocks payment of what it concerns."""
    return severity in BLOCKING_SEVERITIES and status in BLOCKING_STATUSES


def blocking_sql(finding: str = "f") -> str:
    """SQL: the finding row ``finding`` blocks payment."""
    return f"({finding}.severity IN {_sql_list(BLOCKING_SEVERITIES)} AND {finding}.status IN {_sql_list(BLOCKING_STATUSES)})"


def blocking_q(prefix: str = "") -> Q:
    """ORM: findings that block payment (``prefix`` e.g. ``"findings__"``)."""
    return Q(**{f"{prefix}severity__in": BLOCKING_SEVERITIES, f"{prefix}status__in": BLOCKING_STATUSES})


BLOCKING_SQL = blocking_sql("f")


def finding_concerns(*, finding_enrolment_id: int | None, finding_school_id: int, finding_level: str,
                     enrolment_id: int | None, school_id: int, level: str | None) -> bool:
    """The finding (its enrolment, school, level) concerns the subject (enrolment, school, level)."""
    if finding_enrolment_id is not None:
        return finding_enrolment_id == enrolment_id
    return finding_school_id == school_id and finding_level in (SCHOOL_WIDE_LEVEL, level)


def concerns_sql(subject: str, finding: str = "f") -> str:
    """SQL condition: the finding row ``finding`` concerns the row ``subject`` (with ``enrolment_id``,
    ``school_id`` and ``level`` columns, e.g. an act line)."""
    return (
        f"({finding}.enrolment_id = {subject}.enrolment_id"
        f" OR ({finding}.enrolment_id IS NULL AND {finding}.school_id = {subject}.school_id"
        f" AND {finding}.level IN ('{SCHOOL_WIDE_LEVEL}', {subject}.level)))"
    )


def blocked_sql(subject: str) -> str:
    """SQL: a boolean, the row ``subject`` has a finding that blocks its payment now."""
    return f"EXISTS (SELECT 1 FROM checks_finding f WHERE {BLOCKING_SQL} AND {concerns_sql(subject)})"
