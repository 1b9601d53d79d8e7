import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement import penalties
from procurement.choices import UnitStatus
from procurement.models import ContractLine
from procurement.penalties import late_units, lateness, outstanding_units, penalty_amount, unit_days
from procurement.selectors import line_lateness, lines_with_lateness
from tests.procurement.factories import at, make_contract, make_delivery, make_line, make_unit

DUE = dt.date(2025, 9, 1)
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)


class PenaltyRuleTests:
    def test_the_contract_example_one_unit_ten_days_late(self):
        # 0.1 % × 250 000 × 1 unit × 10 days = 2 500.00
        assert penalty_amount(unit_price=Decimal("250000.00"), late_units=1, unit_days=10) == Decimal("2500.00")

    def test_the_penalty_is_capped_at_ten_percent_of_the_late_units_value(self):
        # 0.1 % × 1 000 × 3 × 150 days = 450 > 10 % × 1 000 × 3 = 300
        assert penalty_amount(unit_price=Decimal("1000.00"), late_units=3, unit_days=450) == Decimal("300.00")
        assert penalty_amount(unit_price=Decimal("1000.00"), late_units=3, unit_days=300) == Decimal("300.00")  # at the cap
        assert penalty_amount(unit_price=Decimal("1000.00"), late_units=3, unit_days=299) == Decimal("299.00")

    def test_the_row_is_rounded_half_up_once(self):
        # 0.001 × 25.00 × 1 = 0.025 → 0.03 (half-up, not half-even)
        assert penalty_amount(unit_price=Decimal("25.00"), late_units=1, unit_days=1) == Decimal("0.03")
        # 0.001 × 1.05 × 5 = 0.00525 → 0.01 once; rounding each day (0.00105 → 0.00) would give 0.00
        assert penalty_amount(unit_price=Decimal("1.05"), late_units=1, unit_days=5) == Decimal("0.01")

    def test_floats_are_refused(self):
        with pytest.raises(TypeError):
            penalty_amount(unit_price=250000.0, late_units=1, unit_days=1)

    def test_nothing_is_late_until_the_deadline_has_passed(self):
        assert late_units(quantity=5, due=DUE, accepted=[], as_of=DUE) == 0
        assert unit_days(quantity=5, due=DUE, accepted=[], as_of=DUE) == 0
        assert late_units(quantity=5, due=DUE, accepted=[], as_of=DUE + dt.timedelta(days=1)) == 5

    def test_units_accepted_on_time_are_not_late_and_late_ones_count_their_own_days(self):
        accepted = [DUE - dt.timedelta(days=3), DUE, DUE + dt.timedelta(days=4)]
        as_of = DUE + dt.timedelta(days=10)
        # 5 units: 2 on time, 1 accepted 4 days late, 2 still outstanding for 10 days: 4 + 2 × 10 = 24 unit-days.
        assert late_units(quantity=5, due=DUE, accepted=accepted, as_of=as_of) == 3
        assert unit_days(quantity=5, due=DUE, accepted=accepted, as_of=as_of) == 24
        state = lateness(quantity=5, due=DUE, accepted=accepted, as_of=as_of, unit_price=Decimal("1000.00"))
        assert (state.amount, state.outstanding, state.is_final) == (Decimal("24.00"), 2, False)

    def test_when_all_late_units_share_their_days_the_rule_is_the_contracts_product(self):
        as_of = DUE + dt.timedelta(days=7)
        days = unit_days(quantity=4, due=DUE, accepted=[DUE, DUE], as_of=as_of)
        assert days == 2 * 7
        assert penalty_amount(unit_price=Decimal("333.33"), late_units=2, unit_days=days) == Decimal("4.67")  # 4.66662

    def test_a_penalty_is_final_once_everything_is_accepted_or_the_cap_is_reached(self):
        done = lateness(quantity=2, due=DUE, accepted=[DUE + dt.timedelta(days=5)] * 2, as_of=DUE + dt.timedelta(days=30),
                        unit_price=Decimal("10.00"))
        assert done.is_final and done.unit_days == 10
        capped = lateness(quantity=2, due=DUE, accepted=[], as_of=DUE + dt.timedelta(days=100), unit_price=Decimal("10.00"))
        assert capped.capped and capped.is_final and capped.amount == Decimal("2.00")
        growing = lateness(quantity=2, due=DUE, accepted=[], as_of=DUE + dt.timedelta(days=99), unit_price=Decimal("10.00"))
        assert not growing.is_final


def _sql(function: str, *args):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}({', '.join(['%s'] * len(args))})", list(args))
        return cursor.fetchone()[0]


@st.composite
def rows(draw):
    quantity = draw(st.integers(min_value=1, max_value=40))
    accepted = draw(st.lists(st.integers(min_value=-60, max_value=400), max_size=quantity))
    as_of = draw(st.integers(min_value=-30, max_value=400))
    return quantity, [DUE + dt.timedelta(days=d) for d in accepted], DUE + dt.timedelta(days=as_of)


@pytest.mark.django_db
class SqlTwinTests:
    @settings(max_examples=200, deadline=None)
    @given(row=rows(), price=prices)
    def test_the_database_computes_exactly_what_python_computes(self, row, price):
        quantity, accepted, as_of = row
        late = late_units(quantity=quantity, due=DUE, accepted=accepted, as_of=as_of)
        days = unit_days(quantity=quantity, due=DUE, accepted=accepted, as_of=as_of)
        assert _sql(penalties.SQL_LATE_UNITS, quantity, DUE, accepted, as_of) == late
        assert _sql(penalties.SQL_UNIT_DAYS, quantity, DUE, accepted, as_of) == days
        assert _sql(penalties.SQL_PENALTY, price, late, days) == penalty_amount(unit_price=price, late_units=late, unit_days=days)
        assert _sql(penalties.SQL_OUTSTANDING, quantity, accepted, as_of) == outstanding_units(quantity=quantity, accepted=accepted,
                                                                                            as_of=as_of)

    def test_the_functions_in_the_database_are_the_ones_in_the_code(self):
        with connection.cursor() as cursor:
            for name in (penalties.SQL_LATE_UNITS, penalties.SQL_UNIT_DAYS, penalties.SQL_OUTSTANDING, penalties.SQL_PENALTY):
                cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
                assert cursor.fetchone()[0].strip() in penalties.SQL_DEFINITIONS

    def test_the_set_based_lines_agree_with_each_lines_python_rule(self, region_astana, school_a, school_user):
        contract = make_contract(region=region_astana)
        as_of = DUE + dt.timedelta(days=20)
        plans = [  # (quantity, price, days accepted after the deadline)
            (5, Decimal("250000.00"), [-2, 0, 3, 7]),
            (2, Decimal("99.99"), []),
            (3, Decimal("1000.01"), [-1, -1, -1]),
            (4, Decimal("12.35"), [25, 1]),  # 25 days late: accepted after as_of, still outstanding then
            (1, Decimal("7.00"), [19]),  # everything accepted: final
        ]
        for index, (quantity, price, days) in enumerate(plans):
            line = make_line(contract=contract, school=school_a, item_code=f"ITEM-{index}", quantity=quantity, unit_price=price,
                             delivery_due=DUE)
            delivery = make_delivery(contract=contract, school=school_a, recorded_by=school_user, delivered_on=DUE - dt.timedelta(days=5))
            for offset in days:
                make_unit(delivery=delivery, line=line, status=UnitStatus.ACCEPTED, person=school_user,
                          decided_at=at(DUE + dt.timedelta(days=offset), hour=23, minute=30))  # late evening, Almaty time
        annotated = {line.pk: line for line in lines_with_lateness(ContractLine.objects.all(), as_of=as_of)}
        for line in ContractLine.objects.all():
            python = line_lateness(line, as_of=as_of)
            sql = annotated[line.pk]
            assert (sql.late_units, sql.unit_days, sql.penalty, sql.outstanding, sql.penalty_final) == (
                python.late_units, python.unit_days, python.amount, python.outstanding, python.is_final), line.item_code
