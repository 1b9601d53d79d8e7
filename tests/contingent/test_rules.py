""""Active on D" and "active during a period": Python, SQL (dates and NOBD text) and ORM agree."""

import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from contingent.models import Enrolment
from contingent.rules import (
    active_during_q,
    active_during_sql,
    active_on_q,
    active_on_sql,
    is_active_during,
    is_active_on,
    nobd_active_on_sql,
)
from tests.contingent.factories import make_enrolment

days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2027, 12, 31))
D = dt.date(2025, 11, 20)


class ActiveOnTests:
    def test_the_edges_of_active_on_d(self):
        assert is_active_on(enrolled_on=D, left_on=None, day=D)
        assert is_active_on(enrolled_on=D - dt.timedelta(days=30), left_on=D, day=D)  # left on D: still active on D
        assert not is_active_on(enrolled_on=D + dt.timedelta(days=1), left_on=None, day=D)
        assert not is_active_on(enrolled_on=D - dt.timedelta(days=30), left_on=D - dt.timedelta(days=1), day=D)

    def test_active_during_a_period_means_on_at_least_one_of_its_days(self):
        october = (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
        assert is_active_during(enrolled_on=dt.date(2025, 10, 31), left_on=None, first=october[0], last=october[1])
        assert is_active_during(enrolled_on=dt.date(2025, 9, 1), left_on=dt.date(2025, 10, 1), first=october[0], last=october[1])
        assert not is_active_during(enrolled_on=dt.date(2025, 9, 1), left_on=dt.date(2025, 9, 30), first=october[0],
                                    last=october[1])


@pytest.mark.django_db
class ActiveFormsAgreeTests:
    """Every form of the rule decides what ``is_active_on``/``is_active_during`` decide, for any dates."""

    @pytest.fixture(autouse=True)
    def _enrolment(self, school_a):
        self.enrolment = make_enrolment(school=school_a, enrolled_on=dt.date(2024, 9, 1))

    @settings(max_examples=200, deadline=None)
    @given(enrolled_on=days, length=st.one_of(st.none(), st.integers(min_value=0, max_value=700)), first=days,
           span=st.integers(min_value=0, max_value=60))
    def test_python_sql_nobd_text_and_orm_agree(self, enrolled_on, length, first, span):
        left_on = None if length is None else enrolled_on + dt.timedelta(days=length)
        last = first + dt.timedelta(days=span)
        Enrolment.objects.filter(pk=self.enrolment.pk).update(enrolled_on=enrolled_on, left_on=left_on)
        on = is_active_on(enrolled_on=enrolled_on, left_on=left_on, day=first)
        during = is_active_during(enrolled_on=enrolled_on, left_on=left_on, first=first, last=last)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {active_on_sql('e', '%(first)s::date')}, {active_during_sql('e', '%(first)s::date', '%(last)s::date')} "
                "FROM contingent_enrolment e WHERE e.id = %(id)s",
                {"first": first, "last": last, "id": self.enrolment.pk},
            )
            assert cursor.fetchone() == (on, during)
            # The NOBD row as received: dates as text, an empty left_on meaning "has not left".
            cursor.execute(
                f"SELECT {nobd_active_on_sql('n', '%(day)s::text')} FROM (SELECT %(enrolled)s::text AS enrolled_on, "
                "%(left)s::text AS left_on) n",
                {"day": first.isoformat(), "enrolled": enrolled_on.isoformat(), "left": left_on.isoformat() if left_on else ""},
            )
            assert cursor.fetchone()[0] is on
        enrolments = Enrolment.objects.filter(pk=self.enrolment.pk)
        assert enrolments.filter(active_on_q(first)).exists() is on
        assert enrolments.filter(active_during_q(first, last)).exists() is during
        self.enrolment.refresh_from_db()
        assert self.enrolment.is_active_on(first) is on
