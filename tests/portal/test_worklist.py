"""The home pages' counts, on planted data, for each role — and the same counts from the API lists."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.worklist import worklist
from tests.portal.factories import TODAY, make_payment, plant_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(school_a, school_b, region_astana, operator_user, second_operator_user):
    return plant_work(school_a=school_a, school_b=school_b, region_astana=region_astana, operator=operator_user,
                      second_operator=second_operator_user)


def items(user):
    return {item.key: item for item in worklist(user, today=TODAY)}


class DepartmentWorklistTests:
    def test_counts_what_waits_for_the_department_of_its_own_region(self, planted, department_user):
        work = items(department_user)
        assert {key: item.count for key, item in work.items()} == {
            "applications_to_decide": 1, "contracts_to_sign": 1, "acts_to_review": 2, "reports_to_approve": 1,
            "findings_to_decide": 1,
        }

    def test_acts_to_review_carry_the_nearest_review_deadline_and_the_overdue_count(self, planted, department_user):
        review = items(department_user)["acts_to_review"]
        assert review.nearest_deadline == dt.date(2025, 12, 10)
        assert review.overdue == 1  # due 1 December; Almaty's late act is not Astana's

    def test_each_count_links_to_the_list_filtered_alike(self, planted, department_user):
        review = items(department_user)["acts_to_review"]
        assert review.url.endswith("/acts/?status=submitted")
        assert review.api_url == "/api/v1/acts/?status=submitted"


class SchoolWorklistTests:
    def test_counts_what_waits_for_the_school(self, planted, school_user):
        work = items(school_user)
        assert {key: item.count for key, item in work.items()} == {
            "acts_to_submit": 2, "acts_returned": 1, "blocking_errors": 1, "contracts_to_sign": 1,
            "findings_to_explain": 1,
        }

    def test_acts_to_submit_are_due_by_the_5th_of_the_next_month(self, planted, school_user):
        submit = items(school_user)["acts_to_submit"]
        assert submit.nearest_deadline == dt.date(2025, 12, 5)  # November's act
        assert submit.overdue == 1  # October's draft was due on 5 November

    def test_a_returned_act_is_overdue_once_its_month_deadline_passed(self, planted, school_user):
        returned = items(school_user)["acts_returned"]
        assert (returned.count, returned.overdue, returned.nearest_deadline) == (1, 1, None)


class OperatorWorklistTests:
    def test_counts_payments_and_bank_work(self, planted, second_operator_user):
        work = items(second_operator_user)
        assert {key: item.count for key, item in work.items()} == {
            "acts_awaiting_payment": 1, "payments_to_approve": 1, "payments_to_export": 1, "confirmations_to_apply": 1,
        }

    def test_an_operator_never_counts_a_payment_they_prepared_as_awaiting_their_approval(self, planted, operator_user,
                                                                                         second_operator_user):
        assert items(operator_user)["payments_to_approve"].count == 0
        assert items(second_operator_user)["payments_to_approve"].count == 1

    def test_a_payment_prepared_by_the_second_operator_waits_for_the_first(self, planted, operator_user,
                                                                          second_operator_user):
        from acts.models import Act

        act = Act.objects.get(contract=planted.c2, status="accepted")
        make_payment(act=act, prepared_by=second_operator_user)
        assert items(operator_user)["payments_to_approve"].count == 1
        assert items(second_operator_user)["payments_to_approve"].count == 1
        assert items(operator_user)["acts_awaiting_payment"].count == 0


class MonitorWorklistTests:
    def test_shows_the_figures_of_the_whole_country(self, planted, monitor_user):
        work = items(monitor_user)
        assert {key: item.count for key, item in work.items()} == {
            "acts_not_submitted": 3, "acts_under_review": 3, "applications_waiting": 2, "payments_prepared": 1,
            "blocking_errors": 2,
        }
        assert work["acts_under_review"].overdue == 2
        assert work["acts_not_submitted"].overdue == 2


class WorklistAgreesWithTheApiTests:
    @pytest.mark.parametrize("role_fixture", ["department_user", "school_user", "operator_user", "second_operator_user",
                                              "monitor_user"])
    def test_every_count_with_an_api_list_is_the_api_lists_count(self, planted, request, api_as, role_fixture):
        user = request.getfixturevalue(role_fixture)
        client = api_as(user)
        for item in worklist(user, today=TODAY):
            if not item.api_url:  # acts awaiting a payment, months without an act, bank files: no API list
                continue
            answer = client.get(item.api_url)
            assert answer.status_code == 200, (item.key, answer.content)
            assert answer.json()["count"] == item.count, item.key


class HomePageTests:
    @pytest.mark.parametrize("role_fixture", ["department_user", "school_user", "operator_user", "monitor_user"])
    def test_each_role_home_shows_its_counts_and_charts(self, planted, client, request, role_fixture):
        user = request.getfixturevalue(role_fixture)
        client.force_login(user)
        page = client.get("/en/")
        assert page.status_code == 200
        html = page.content.decode()
        for item in worklist(user):
            assert f'data-key="{item.key}"' in html
        assert 'id="home-chart-data"' in html
        assert 'data-testid="money-table"' in html and 'data-testid="contingent-table"' in html

    def test_an_administrator_and_a_visitor_see_no_worklist(self, client, admin_user_portal):
        assert 'data-testid="worklist"' not in client.get("/en/").content.decode()
        client.force_login(admin_user_portal)
        assert 'data-testid="worklist"' not in client.get("/en/").content.decode()
