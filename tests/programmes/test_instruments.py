"""The instruments' rules in Python and in SQL decide alike (hypothesis on the real PostgreSQL)."""

from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.choices import BeneficiaryCategory, InstrumentCode, Proration
from programmes.instruments import (
    INSTRUMENTS,
    KIND_CATEGORIES,
    billable_days,
    billable_days_sql,
    coefficient,
    coefficient_sql,
    instrument_of_kind,
    instruments_running,
    norm_category,
    norm_category_sql,
)
from schools.choices import ProviderKind
from schools.rules import ALLOWED_OKED, oked_allowed, oked_allowed_sql

instruments = st.sampled_from(InstrumentCode.values)
grades = st.one_of(st.none(), st.integers(min_value=-1, max_value=13))
categories = st.sampled_from(BeneficiaryCategory.values)
groups = st.sampled_from(["", "B001", "B057", "M-1"])


def _one(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.mark.django_db
class SqlTwinTests:
    @settings(max_examples=200, deadline=None)
    @given(instrument=instruments, grade=grades, category=categories, group=groups)
    def test_the_norm_category_is_the_same_in_sql(self, instrument, grade, category, group):
        sql = (f"SELECT {norm_category_sql('%s', 'e')} FROM (SELECT %s::smallint AS grade, %s::varchar AS category, "
               f"%s::varchar AS specialty_group) e")
        in_sql = _one(sql, [instrument, grade, category, group])
        assert in_sql == norm_category(instrument, grade=grade, category=category, specialty_group=group)

    @settings(max_examples=100, deadline=None)
    @given(instrument=instruments, category=categories,
           order=st.decimals(min_value=Decimal("1"), max_value=Decimal("9.99"), places=2))
    def test_the_coefficient_is_the_same_in_sql(self, instrument, category, order):
        sql = f"SELECT {coefficient_sql('%s', 'e', '%s::numeric(5, 2)')} FROM (SELECT %s::varchar AS category) e"
        in_sql = _one(sql, [instrument, order, category])
        assert in_sql == Decimal(coefficient(instrument, category=category, order_coefficient=order))

    @settings(max_examples=100, deadline=None)
    @given(proration=st.sampled_from(Proration.values), period=st.integers(min_value=28, max_value=184), data=st.data())
    def test_the_days_paid_are_the_same_in_sql(self, proration, period, data):
        enrolled = data.draw(st.integers(min_value=1, max_value=period))
        in_sql = _one(f"SELECT {billable_days_sql('%s', '%s', '%s')}", [proration, enrolled, period])
        assert in_sql == billable_days(proration, days_enrolled=enrolled, period_days=period)

    @settings(max_examples=150, deadline=None)
    @given(kind=st.sampled_from(ProviderKind.values),
           oked=st.one_of(st.none(), st.sampled_from(["", "85", "85.31", "55.90", "55.9", "55.10", "86.90", "8531"])))
    def test_the_allowed_activity_code_is_the_same_in_sql(self, kind, oked):
        in_sql = _one(f"SELECT {oked_allowed_sql('s')} FROM (SELECT %s::varchar AS kind, %s::varchar AS oked) s", [kind, oked])
        assert in_sql == oked_allowed(kind=kind, oked=oked)


class InstrumentTableTests:
    def test_each_instrument_declares_what_the_contract_fixes(self):
        assert set(INSTRUMENTS) == {"school_per_capita", "dormitory_place", "scholarship", "grant"}
        spc, dorm, scholarship, grant = (INSTRUMENTS[code] for code in ("school_per_capita", "dormitory_place",
                                                                        "scholarship", "grant"))
        assert (spc.period, spc.proration, spc.coefficient_category) == ("month", "days", "sen")
        assert (dorm.period, dorm.proration, dorm.categories) == ("month", "days", ("place",))
        assert (scholarship.period, scholarship.proration) == ("month", "any_day")
        assert set(scholarship.categories) == {"regular", "increased", "social"}
        assert (grant.period, grant.proration, grant.categories) == ("term", "term", ())

    def test_every_beneficiary_kind_belongs_to_one_instrument_and_has_its_categories(self):
        for kind, allowed in KIND_CATEGORIES.items():
            assert instrument_of_kind(kind).beneficiary_kind == kind and allowed
        assert set(KIND_CATEGORIES["scholarship_holder"]) == set(INSTRUMENTS["scholarship"].categories)

    def test_every_provider_kind_has_its_activity_codes(self):
        assert set(ALLOWED_OKED) == set(ProviderKind.values)
        assert oked_allowed(kind="dormitory", oked="55.90") and not oked_allowed(kind="school", oked="55.90")

    def test_each_finding_code_knows_the_instruments_that_run_it(self):
        from checks.rules import all_rules

        codes = {rule.code for rule in all_rules()}
        declared = {code for item in INSTRUMENTS.values() for code in item.finding_codes}
        assert declared == codes  # every rule is run by some instrument, and no instrument names an unknown code
        assert instruments_running("D01") == ["dormitory_place"] and instruments_running("G01") == ["grant"]
