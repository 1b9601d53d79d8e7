"""When an enrolment counts: the one home of "active on D" (CONTRACT "Finding codes").

An enrolment is *active on D* when ``enrolled_on ≤ D`` and ``left_on`` is empty or ``≥ D``
(``left_on`` is the last day taught); likewise an NOBD row. It is *active during* a period
``first``–``last`` when it is active on at least one day of it (an act for a month bills the
enrolments active during the month): ``enrolled_on ≤ last`` and ``left_on`` empty or ``≥ first``.
Active on D is active during D–D.

* Python: ``is_active_during``, ``is_active_on`` (``Enrolment.is_active_on`` calls it);
* SQL: ``active_during_sql``/``active_on_sql`` for a row with date columns (an enrolment),
  ``nobd_active_on_sql`` for an NOBD row as received (dates as ``YYYY-MM-DD`` text, empty =
  none), all three from the one template ``_active_sql``;
* ORM: ``active_during_q``/``active_on_q``.

``tests/contingent/test_rules.py`` proves on real PostgreSQL that every form decides exactly
what the Python form decides.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


def is_active_during(*, enrolled_on: dt.date, left_on: dt.date | None, first: dt.date, last: dt.date | None) -> bool:
    """Active on at least one day of ``first``–``last`` (``last`` None: open-ended)."""
    return (last is None or enrolled_on <= last) and (left_on is None or left_on >= first)


def is_active_on(*, enrolled_on: dt.date, left_on: dt.date | None, day: dt.date) -> bool:
    """Active on ``day``: enrolled on or before it and not left before it."""
    return is_active_during(enrolled_on=enrolled_on, left_on=left_on, first=day, last=day)


def _active_sql(enrolled_on: str, left_on: str, first: str, last: str) -> str:
    """The rule over SQL expressions: ``left_on`` NULL means "has not left"."""
    return f"({enrolled_on} <= {last} AND ({left_on} IS NULL OR {left_on} >= {first}))"


def active_during_sql(alias: str, first: str, last: str) -> str:
    """SQL: the enrolment row ``alias`` is active during ``first``–``last`` (SQL date expressions)."""
    return _active_sql(f"{alias}.enrolled_on", f"{alias}.left_on", first, last)


def active_on_sql(alias: str, day: str) -> str:
    """SQL: the enrolment row ``alias`` is active on ``day`` (an SQL date expression)."""
    return active_during_sql(alias, day, day)


def nobd_active_on_sql(alias: str, day_text: str) -> str:
    """SQL: the NOBD row ``alias`` (text dates, as received) is active on ``day_text`` (``YYYY-MM-DD`` text).

    A well-formed date (``nobd_import`` refuses any other) is written ``YYYY-MM-DD``, so dates
    compare as text in the "C" collation.
    """
    return _active_sql(f'{alias}.enrolled_on COLLATE "C"', f"nullif({alias}.left_on, '') COLLATE \"C\"",
                       f'{day_text} COLLATE "C"', f'{day_text} COLLATE "C"')


def active_during_q(first: dt.date, last: dt.date | None, prefix: str = "") -> Q:
    """ORM: enrolments active during ``first``–``last`` (``prefix`` e.g. ``"enrolment__"``)."""
    left = Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": first})
    return left if last is None else left & Q(**{f"{prefix}enrolled_on__lte": last})


def active_on_q(day: dt.date, prefix: str = "") -> Q:
    """ORM: enrolments active on ``day``."""
    return active_during_q(day, day, prefix)
