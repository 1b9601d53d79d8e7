"""The programme rules other apps read in SQL (the checks may read the catalogue only through here).

* **Terms containing D** (rule G01): the academic terms of the (non-draft) programmes of an instrument
  whose dates contain the day D — ``terms_containing_sql``.
"""

from __future__ import annotations

from programmes.choices import ProgrammeStatus


def terms_containing_sql(day: str, instrument: str) -> str:
    """SQL: a subquery ``(term_start, term_end)`` of the terms of ``instrument``'s programmes containing ``day``."""
    return (
        "(SELECT DISTINCT t.start AS term_start, t.\"end\" AS term_end FROM programmes_programmeterm t "
        "JOIN programmes_programme p ON p.id = t.programme_id "
        f"WHERE p.instrument = '{instrument}' AND p.status <> '{ProgrammeStatus.DRAFT}' "
        f"AND t.start <= ({day})::date AND t.\"end\" >= ({day})::date)"
    )
