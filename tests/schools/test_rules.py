"""The rules of ``schools.rules``: Python, SQL and ORM forms decide the same, on real PostgreSQL."""

import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from schools.choices import Level, LicenceGap, LicenceStatus
from schools.models import Licence, UnreliableSupplierEntry
from schools.rules import (
    GRADES,
    grade_levels_sql,
    level_of_grade,
    level_of_grade_sql,
    licence_covers,
    licence_covers_q,
    licence_covers_sql,
    licence_gap,
    register_entry_in_force,
    register_entry_in_force_q,
    register_entry_in_force_sql,
)

BIN = "180340001013"
days = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
levels = st.lists(st.sampled_from(Level.values), min_size=1, max_size=3, unique=True)


class LevelOfGradeTests:
    def test_the_contract_levels(self):
        assert [level_of_grade(grade) for grade in (0, 4, 5, 9, 10, 11)] == [
            Level.PRIMARY, Level.PRIMARY, Level.BASIC, Level.BASIC, Level.GENERAL, Level.GENERAL]
        with pytest.raises(ValueError):
            level_of_grade(12)

    @pytest.mark.django_db
    def test_the_sql_case_and_values_table_give_the_python_level_of_every_grade(self):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT g, {level_of_grade_sql('g')} FROM generate_series(-1, 12) AS g ORDER BY g")
            by_case = dict(cursor.fetchall())
            cursor.execute(f"SELECT grade, level FROM {grade_levels_sql()} ORDER BY grade")
            by_values = dict(cursor.fetchall())
        expected = {grade: level_of_grade(grade) for grade in GRADES}
        assert by_values == expected
        assert by_case == {**expected, -1: None, 12: None}


class LicenceGapTests:
    def test_each_reason_a_licence_does_not_count(self):
        day = dt.date(2025, 11, 1)
        base = {"issued_on": dt.date(2020, 1, 1), "levels": ["primary"], "level": "primary", "day": day}
        assert licence_gap(status="active", **base) is None
        assert licence_gap(status="suspended", **base) == LicenceGap.SUSPENDED
        assert licence_gap(status="revoked", **base) == LicenceGap.REVOKED
        assert licence_gap(status="active", **{**base, "issued_on": dt.date(2025, 11, 2)}) == LicenceGap.NOT_YET_ISSUED
        assert licence_gap(status="active", **{**base, "level": "basic"}) == LicenceGap.LEVEL_NOT_LISTED


@pytest.mark.django_db
class LicenceCoversTests:
    @settings(max_examples=150, deadline=None)
    @given(status=st.sampled_from(LicenceStatus.values), issued_on=days, listed=levels,
           level=st.sampled_from(Level.values), day=days)
    def test_python_sql_and_orm_agree(self, status, issued_on, listed, level, day):
        licence = Licence.objects.create(bin=BIN, number="L-1", issued_on=issued_on, levels=listed, status=status)
        try:
            expected = licence_covers(status=status, issued_on=issued_on, levels=listed, level=level, day=day)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {licence_covers_sql('l', '%(level)s', '%(day)s')} FROM schools_licence l WHERE l.id = %(id)s",
                               {"level": level, "day": day, "id": licence.pk})
                assert cursor.fetchone()[0] is expected
            assert Licence.objects.filter(pk=licence.pk).filter(licence_covers_q(level, day)).exists() is expected
            assert licence.covers(level, day) is expected
        finally:
            licence.delete()


@pytest.mark.django_db
class RegisterInForceTests:
    @settings(max_examples=150, deadline=None)
    @given(included_on=days, excluded_after=st.one_of(st.none(), st.integers(min_value=0, max_value=800)), day=days)
    def test_python_sql_and_orm_agree(self, included_on, excluded_after, day):
        excluded_on = None if excluded_after is None else included_on + dt.timedelta(days=excluded_after)
        entry = UnreliableSupplierEntry.objects.create(bin=BIN, included_on=included_on, excluded_on=excluded_on)
        try:
            expected = register_entry_in_force(included_on=included_on, excluded_on=excluded_on, day=day)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {register_entry_in_force_sql('r', '%(day)s')} FROM schools_unreliablesupplierentry r "
                               "WHERE r.id = %(id)s", {"day": day, "id": entry.pk})
                assert cursor.fetchone()[0] is expected
            assert UnreliableSupplierEntry.objects.filter(pk=entry.pk).filter(register_entry_in_force_q(day)).exists() is expected
            assert entry.is_in_force_on(day) is expected
        finally:
            entry.delete()

    def test_the_day_of_exclusion_is_off_the_register(self):
        assert register_entry_in_force(included_on=dt.date(2025, 1, 1), excluded_on=dt.date(2025, 3, 1), day=dt.date(2025, 2, 28))
        assert not register_entry_in_force(included_on=dt.date(2025, 1, 1), excluded_on=dt.date(2025, 3, 1),
                                           day=dt.date(2025, 3, 1))
