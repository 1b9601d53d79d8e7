import datetime as dt

import pytest

from acts.deadlines import act_due_on, parse_month, review_due_on, working_day_after
from acts.models import Holiday
from acts.selectors import open_act_month_figures, open_act_months, overdue_items
from acts.services import act_build, act_submit
from core.calendar import months_between
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_enrolment


class DeadlineTests:
    def test_an_act_is_due_by_the_fifth_of_the_next_month(self):
        assert act_due_on(dt.date(2025, 10, 1)) == dt.date(2025, 11, 5)
        assert act_due_on(dt.date(2025, 12, 1)) == dt.date(2026, 1, 5)

    @pytest.mark.django_db
    def test_working_days_skip_the_holidays_of_the_table(self):
        assert working_day_after(dt.date(2025, 11, 3), 10) == dt.date(2025, 11, 17)
        Holiday.objects.create(date=dt.date(2025, 11, 5), name_kk="Т", name_ru="Н", name_en="I")
        assert working_day_after(dt.date(2025, 11, 3), 10) == dt.date(2025, 11, 18)

    @pytest.mark.django_db
    def test_the_review_deadline_uses_the_holiday_table(self):
        # Submitted Friday 12 December 2025: 16 December (Independence Day) is not a working day.
        assert review_due_on(dt.date(2025, 12, 12)) == dt.date(2025, 12, 29)
        # Nauryz 2026: 21–23 March (Saturday to Monday) and the day off moved to Tuesday 24 and Wednesday 25.
        assert review_due_on(dt.date(2026, 3, 19)) == dt.date(2026, 4, 7)

    def test_months_and_month_parsing(self):
        assert months_between(dt.date(2025, 9, 15), dt.date(2025, 11, 1)) == [
            dt.date(2025, 9, 1), dt.date(2025, 10, 1), dt.date(2025, 11, 1)]
        assert parse_month("2025-10") == dt.date(2025, 10, 1)
        with pytest.raises(ValueError):
            parse_month("2025-13")


@pytest.mark.django_db
class OverdueTests:
    def test_missing_late_and_unreviewed_acts_are_shown_to_both_sides(self, contract, other_contract, school_a,
                                                                      school_user, department_user,
                                                                      other_department_user, operator_user):
        make_enrolment(school=school_a)
        october = act_submit(act=act_build(contract=contract, month=OCTOBER, actor=school_user, today=TODAY),
                             actor=school_user, today=dt.date(2025, 11, 3))
        act_build(contract=contract, month=dt.date(2025, 9, 1), actor=school_user, today=TODAY)  # a draft, late
        today = dt.date(2025, 11, 20)
        for user in (school_user, department_user):
            items = overdue_items(user=user, today=today)
            kinds = sorted((item.kind, item.month, item.contract_id) for item in items)
            assert kinds == [("review", OCTOBER, contract.pk), ("submission", dt.date(2025, 9, 1), contract.pk)]
        review = next(i for i in overdue_items(user=school_user, today=today) if i.kind == "review")
        assert (review.act_id, review.due_on, review.days_late) == (october.pk, dt.date(2025, 11, 17), 3)
        # The other region sees its own contract: September and October missing.
        other = overdue_items(user=other_department_user, today=today)
        assert sorted((i.kind, i.month) for i in other) == [("submission", dt.date(2025, 9, 1)), ("submission", OCTOBER)]
        assert len(overdue_items(user=operator_user, today=today)) == 4
        # Before the 6th of November October is not late yet.
        assert [i.month for i in overdue_items(user=school_user, today=dt.date(2025, 11, 5))] == [dt.date(2025, 9, 1)]

    def test_the_overdue_list_is_counted_and_sliced_in_the_database_in_one_order(self, contract, other_contract,
                                                                                 operator_user):
        """A national list has thousands of rows: the pages and the API count it and read one slice."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        today = dt.date(2026, 3, 20)
        everything = overdue_items(user=operator_user, today=today)
        rows = list(everything)
        assert len(everything) == len(rows) > 4
        assert [(row.month, row.contract_number) for row in rows] == sorted((row.month, row.contract_number) for row in rows)
        with CaptureQueriesContext(connection) as queries:
            page = overdue_items(user=operator_user, today=today)[2:5]
        assert [row.contract_id for row in page] == [row.contract_id for row in rows[2:5]]
        assert len(queries) == 2  # the slice, then the schools of its rows
        # act_due_on's SQL twin agrees with it: every row is past its deadline, and the deadline is the Python one.
        assert all(row.due_on == act_due_on(row.month) and row.due_on < today for row in rows)

    @pytest.mark.parametrize("today", [dt.date(2025, 10, 5), dt.date(2025, 10, 6), dt.date(2025, 11, 20), dt.date(2026, 3, 1)])
    def test_the_open_months_figures_counted_in_sql_are_those_of_the_listed_months(self, contract, other_contract,
                                                                                   school_user, operator_user, today):
        act_build(contract=contract, month=dt.date(2025, 9, 1), actor=school_user, today=TODAY)  # a draft
        months = open_act_months(user=operator_user, today=today)
        upcoming = [row.due_on for row in months if row.due_on >= today]
        assert open_act_month_figures(user=operator_user, today=today) == (
            len(months), min(upcoming) if upcoming else None, sum(1 for row in months if row.due_on < today))
