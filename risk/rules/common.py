"""What the risk rules share: SQL fragments for dates and NOBD rows, the evidence of an NOBD row, wording."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from checks.rules.wording import SchoolRef, date_text

# D, D′ and Y written as the NOBD history writes dates (``RiskRun.params``: ``YYYY-MM-DD`` text); NOBD
# dates are proven well formed by ``nobd_import``, so they compare as text in the "C" collation. They
# reach the SQL as constants, never computed in it: the planner then estimates from the column's
# statistics how many rows of the 4 M a date range keeps (a computed value made it guess a few
# thousand, and choose a nested loop over millions of rows).
D_TEXT = "%(check_date_text)s::text"
PREVIOUS_TEXT = "%(previous_date_text)s::text"
YEAR_START_TEXT = "%(school_year_start_text)s::text"


def nobd_row_json(row: str, school: str) -> str:
    """jsonb of an NOBD row ``row`` at the school ``school`` (a LEFT JOIN of ``schools_school``: names NULL
    when the school is not in the portal)."""
    return (f"jsonb_build_object('bin', {row}.school_bin, 'name_kk', {school}.name_kk, 'name_ru', {school}.name_ru, "
            f"'grade', {row}.grade::int, 'enrolled_on', {row}.enrolled_on, 'left_on', nullif({row}.left_on, ''))")


@dataclass(frozen=True)
class NobdRow(SchoolRef):
    """An NOBD row in a flag's evidence: the school (named when it is in the portal), grade and dates."""

    grade: int
    enrolled_on: dt.date
    left_on: dt.date | None

    def text(self) -> str:
        values = {"school": self.label(), "grade": self.grade, "enrolled": date_text(self.enrolled_on),
                  "left": date_text(self.left_on)}
        if self.left_on is None:
            return _("%(school)s, grade %(grade)s, enrolled on %(enrolled)s, not left") % values
        return _("%(school)s, grade %(grade)s, enrolled on %(enrolled)s, left on %(left)s") % values


def not_an_accusation() -> str:
    return _("A risk flag is a lead for monitoring, not a finding against the school: it does not stop any "
             "payment and the school does not see it.")
