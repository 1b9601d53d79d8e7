"""The figures behind the home charts, on planted data, scoped to what each role sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from portal import charts
from tests.acts.factories import make_check_run, make_enrolment
from tests.portal.factories import TODAY, plant_work

pytestmark = pytest.mark.django_db

PER_CONTRACT_MONTH = Decimal("100") * 95000 + Decimal("100") * 110000 + Decimal("50") * 125500  # places × norms


@pytest.fixture
def planted(school_a, school_b, region_astana, operator_user, second_operator_user):
    return plant_work(school_a=school_a, school_b=school_b, region_astana=region_astana, operator=operator_user,
                      second_operator=second_operator_user)


class MoneyByMonthTests:
    def test_the_department_sees_its_regions_contracted_and_accepted_money_by_month(self, planted, department_user):
        money = charts.money_by_month(department_user, 2025)
        assert money["months"][0] == dt.date(2025, 9, 1) and len(money["months"]) == 12
        november = money["months"].index(dt.date(2025, 11, 1))
        # Two signed contracts in Astana (school_a's and school_c's active ones; drafts do not bind money).
        assert money["series"]["contracted"][november] == 2 * PER_CONTRACT_MONTH
        assert money["series"]["contracted"][money["months"].index(dt.date(2026, 6, 1))] == 0  # after the period
        assert money["series"]["accepted"][november] == Decimal("900000.00")
        assert money["series"]["ordered"][november] > money["series"]["contracted"][november]

    def test_a_school_sees_its_own_money_and_not_its_regions_orders(self, planted, school_user):
        money = charts.money_by_month(school_user, 2025)
        assert "ordered" not in money["series"]
        assert money["series"]["contracted"][0] == PER_CONTRACT_MONTH
        assert sum(money["series"]["accepted"]) == 0

    def test_paid_counts_only_payments_the_bank_paid(self, planted, monitor_user):
        from payments.models import Payment

        november = dt.date(2025, 11, 1)
        before = charts.money_by_month(monitor_user, 2025)["series"]["paid"]
        assert sum(before) == 0
        Payment.objects.filter(status="approved").update(status="paid")
        after = charts.money_by_month(monitor_user, 2025)
        assert after["series"]["paid"][after["months"].index(november)] == Decimal("700000.00")


class ContingentByMonthTests:
    def test_counts_enrolments_active_on_the_first_of_each_month(self, school_a, school_b, school_user, monitor_user):
        make_enrolment(school=school_a)
        make_enrolment(school=school_a, left_on=dt.date(2025, 10, 15))
        make_enrolment(school=school_b, enrolled_on=dt.date(2025, 11, 20))
        mine = charts.contingent_by_month(school_user, 2025, today=TODAY)
        assert mine["months"] == [dt.date(2025, 9, 1), dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1)]
        assert mine["counts"] == [2, 2, 1, 1]
        assert charts.contingent_by_month(monitor_user, 2025, today=TODAY)["counts"] == [2, 2, 1, 2]


class FindingsByRunTests:
    def test_a_finding_counts_for_every_run_from_its_first_to_its_last(self, school_a, school_b, school_user, monitor_user):
        from checks.models import Finding
        from tests.acts.factories import make_finding

        runs = [make_check_run(check_date=dt.date(2025, 10, day)) for day in (1, 2, 3)]
        lasting = make_finding(school=school_a, code="S04", run=runs[0])
        Finding.objects.filter(pk=lasting.pk).update(last_run=runs[2])
        make_finding(school=school_a, code="S03", run=runs[1])
        make_finding(school=school_b, code="S02", run=runs[1])
        mine = charts.findings_by_run(school_user)
        assert [run.pk for run in mine["runs"]] == [run.pk for run in runs]
        assert mine["counts"] == {"S03": [0, 1, 0], "S04": [1, 1, 1]}
        assert charts.findings_by_run(monitor_user)["counts"]["S02"] == [0, 1, 0]

    def test_only_the_last_runs_are_shown(self, school_user):
        for day in range(1, 9):
            make_check_run(check_date=dt.date(2025, 10, day))
        assert len(charts.findings_by_run(school_user)["runs"]) == charts.RUNS_SHOWN


class ChartSchoolYearTests:
    def test_the_charts_show_the_latest_school_year_with_a_signed_contract(self, planted, school_user, other_school_user):
        assert charts.chart_school_year(school_user) == 2025
        assert charts.chart_school_year(other_school_user) == 2025


class RegionOverviewTests:
    def test_a_monitor_sees_each_regions_reviews_errors_and_money(self, planted, monitor_user):
        rows = {row["region"].code: row for row in charts.region_overview(monitor_user, 2025, today=TODAY)}
        assert set(rows) == {"71", "75"}
        assert (rows["71"]["under_review"], rows["71"]["late"], rows["71"]["errors"]) == (2, 1, 1)
        assert (rows["75"]["under_review"], rows["75"]["late"], rows["75"]["errors"]) == (1, 1, 1)
        assert rows["71"]["accepted"] == Decimal("900000.00")
        assert rows["75"]["accepted"] == Decimal("1500000.00")

    def test_only_the_monitors_home_shows_it(self, planted, client, monitor_user, operator_user):
        client.force_login(monitor_user)
        assert 'data-testid="region-overview"' in client.get("/en/").content.decode()
        client.force_login(operator_user)
        assert 'data-testid="region-overview"' not in client.get("/en/").content.decode()
