import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from checks.choices import CheckRunStatus
from checks.models import CheckRun
from checks.services import check_run_now
from tests.contingent.factories import load_snapshot, make_enrolment


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, *args):
    with translation.override("en"):
        return reverse(f"checks:{name}", args=args)


@pytest.mark.django_db
class CheckRunPageTests:
    def test_operators_list_runs_and_start_one_which_is_queued(self, operator_user, django_capture_on_commit_callbacks):
        client = client_for(operator_user)
        page = client.get(url("run-list")).content.decode()
        assert 'name="fetch"' in page
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(url("run-start"), {"fetch": "on"})
        run = CheckRun.objects.get()
        assert response.status_code == 302 and response["Location"].endswith(f"/runs/{run.pk}/")
        assert run.started_by == operator_user and run.progress["fetch"] is True and len(callbacks) == 1
        detail = client.get(url("run-detail", run.pk)).content.decode()
        assert 'hx-trigger="every 2s"' in detail  # the page polls the progress while the run runs

    def test_a_second_start_while_one_runs_names_the_running_run(self, operator_user, second_operator_user,
                                                               django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks():
            client_for(operator_user).post(url("run-start"))
        first = CheckRun.objects.get()
        response = client_for(second_operator_user).post(url("run-start"), follow=True)
        assert CheckRun.objects.count() == 1
        assert response.redirect_chain[-1][0].endswith(f"/runs/{first.pk}/")
        assert str(first.pk) in " ".join(str(m) for m in response.context["messages"])

    def test_monitors_see_runs_but_may_not_start_them_schools_neither(self, monitor_user, school_user):
        assert client_for(monitor_user).get(url("run-list")).status_code == 200
        assert client_for(monitor_user).post(url("run-start")).status_code == 403
        assert client_for(school_user).post(url("run-start")).status_code == 403
        assert client_for(school_user).get(url("run-list")).status_code == 403
        assert CheckRun.objects.count() == 0

    def test_the_progress_panel_reloads_the_page_when_the_run_ends(self, operator_user, school_a, tmp_path):
        make_enrolment(school=school_a)
        run = check_run_now(snapshot=load_snapshot(tmp_path, []))
        client = client_for(operator_user)
        response = client.get(url("run-progress", run.pk) + "?was=running", HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and response["HX-Refresh"] == "true"
        CheckRun.objects.filter(pk=run.pk).update(status=CheckRunStatus.RUNNING, progress={"done": 3, "total": 9, "current": "P04"})
        running = client.get(url("run-progress", run.pk) + "?was=running", HTTP_HX_REQUEST="true")
        assert "HX-Refresh" not in running and "P04" in running.content.decode()

    def test_a_school_following_the_e_mail_link_sees_only_its_own_counts(self, school_user, school_a, school_b, tmp_path):
        make_enrolment(school=school_a)
        make_enrolment(school=school_b)
        make_enrolment(school=school_b)
        run = check_run_now(snapshot=load_snapshot(tmp_path, []))
        counts = dict((code, count) for code, _label, count in client_for(school_user).get(url("run-detail", run.pk)).context["counts"])
        assert counts["P02"] == 1 and run.counts["P02"] == 3

    def test_the_runs_sort_by_start_check_date_and_status_both_ways(self, operator_user):
        import datetime as dt

        from tests.sorting import assert_sorts

        runs = [CheckRun.objects.create(check_date=dt.date(2025, 11, day), trigger="command", status=status)
                for day, status in ((2, "succeeded"), (1, "failed"), (3, "running"))]
        client = client_for(operator_user)
        assert_sorts(client, url("run-list"), "started", [run.pk for run in runs])
        assert_sorts(client, url("run-list"), "check_date", [runs[1].pk, runs[0].pk, runs[2].pk])
        assert_sorts(client, url("run-list"), "status", [runs[1].pk, runs[2].pk, runs[0].pk])  # failed, running, succeeded
