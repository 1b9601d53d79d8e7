import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from acts.money import SQL_LINE_AMOUNT, SQL_LINE_AMOUNT_DEFINITION, line_amount, prorated, round_money
from core.calendar import days_in_month

norms = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999999.99"), places=2)
coefficients = st.decimals(min_value=Decimal("1"), max_value=Decimal("9.99"), places=2)


class RoundingTests:
    def test_rounding_is_half_up_to_the_tiyn(self):
        assert round_money(Decimal("50.005")) == Decimal("50.01")
        assert round_money(Decimal("50.015")) == Decimal("50.02")
        assert round_money(Decimal("50.0049999")) == Decimal("50.00")

    def test_floats_are_refused(self):
        with pytest.raises(TypeError):
            round_money(1.5)

    def test_a_line_is_rounded_once_not_step_by_step(self):
        # 100.01 × 1.5 × 15 / 30 = 75.0075 → 75.01; rounding 100.01 × 15 / 30 = 50.005 to 50.01 first and
        # multiplying by 1.5 afterwards would give 75.015 → 75.02.
        assert line_amount(norm=Decimal("100.01"), coefficient=Decimal("1.5"), days=15, month_days=30) == Decimal("75.01")

    def test_days_outside_the_month_are_refused(self):
        with pytest.raises(ValueError):
            line_amount(norm=Decimal("1"), coefficient=Decimal("1"), days=32, month_days=31)

    def test_days_in_month_knows_leap_years(self):
        assert [days_in_month(dt.date(y, 2, 1)) for y in (2025, 2028)] == [28, 29]


@pytest.mark.django_db
class SqlTwinTests:
    @settings(max_examples=300, deadline=None)
    @given(norm=norms, coefficient=coefficients, month_days=st.sampled_from([28, 29, 30, 31]), data=st.data())
    def test_the_database_computes_exactly_what_python_computes(self, norm, coefficient, month_days, data):
        days = data.draw(st.integers(min_value=1, max_value=month_days))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {SQL_LINE_AMOUNT}(%s, %s, %s, %s)", [norm, coefficient, days, month_days])
            in_sql = cursor.fetchone()[0]
        assert in_sql == line_amount(norm=norm, coefficient=coefficient, days=days, month_days=month_days)

    def test_the_function_in_the_database_is_the_one_in_the_code(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [SQL_LINE_AMOUNT])
            body = cursor.fetchone()[0]
        assert body.strip() in SQL_LINE_AMOUNT_DEFINITION


class ProrationTests:
    """``acts.money.prorated`` is the money rule's one proration: the act line and the final report both use it."""

    def test_a_partial_period_counts_its_days_rounded_once(self):
        # 7 places × 60 000.01 for 10 days of a 30-day month: 420 000.07 × 10 / 30 = 140 000.0233… → 140 000.02
        assert prorated(amount=Decimal("7") * Decimal("60000.01"), days=10, period_days=30) == Decimal("140000.02")

    def test_days_outside_the_period_are_refused(self):
        with pytest.raises(ValueError):
            prorated(amount=Decimal("1"), days=31, period_days=30)

    @settings(max_examples=200)
    @given(norms, coefficients, st.integers(28, 31), st.data())
    def test_a_line_amount_is_the_proration_of_norm_times_coefficient(self, norm, coefficient, month_days, data):
        days = data.draw(st.integers(0, month_days))
        assert line_amount(norm=norm, coefficient=coefficient, days=days, month_days=month_days) == prorated(
            amount=norm * coefficient, days=days, period_days=month_days)

    def test_the_final_report_prorates_a_partial_month_by_the_money_rule(self):
        from payments.reports import _prorated

        september = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
        # a contract starting on the 21st: 10 of September's 30 days
        assert _prorated(7, Decimal("60000.01"), september, dt.date(2026, 9, 21), dt.date(2027, 5, 31)) == prorated(
            amount=Decimal("7") * Decimal("60000.01"), days=10, period_days=30) == Decimal("140000.02")
        assert _prorated(7, Decimal("60000.01"), september, dt.date(2026, 10, 1), dt.date(2027, 5, 31)) == Decimal("0")
