"""The audit trail's API and page: who reads what, filters, export, events in words, the verify button."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from accounts.choices import UserEvent
from core.models import AuditEvent
from core.services import audit_record
from schools.choices import SchoolEvent
from tests.factories import make_school

pytestmark = pytest.mark.django_db


def _days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def events(school_a, school_b, operator_user):
    audit_record(actor=operator_user, action=SchoolEvent.PROFILE_UPDATED, subject=school_a,
                 data={"before": {"phone": "1"}, "after": {"phone": "2"}})
    audit_record(actor=operator_user, action=SchoolEvent.PROFILE_UPDATED, subject=school_b,
                 data={"before": {"phone": "3"}, "after": {"phone": "4"}})
    audit_record(actor=operator_user, action=UserEvent.CREATED, subject=operator_user)


class AuditEventApiTests:
    def test_monitors_and_operators_read_everything_a_department_its_region_a_school_nothing(
            self, api_as, events, monitor_user, operator_user, department_user, school_user, school_a):
        for user in (monitor_user, operator_user):
            assert api_as(user).get("/api/v1/audit-events/").json()["count"] == 3
        regional = api_as(department_user).get("/api/v1/audit-events/").json()
        assert [row["object_id"] for row in regional["results"]] == [str(school_a.pk)]
        assert api_as(school_user).get("/api/v1/audit-events/").status_code == 403
        assert api_as(school_user).get("/api/v1/audit-events/verify/").status_code == 403

    def test_each_event_reads_in_words(self, api_as, events, monitor_user, school_a):
        row = api_as(monitor_user).get(f"/api/v1/audit-events/?school={school_a.pk}", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
        assert row["action_label"] == "School profile updated"
        assert row["changes"] == [{"field": "phone", "old": "1", "new": "2"}]
        assert school_a.name in row["object_label"] and "phone: 1 → 2" in row["in_words"]
        assert len(row["hash"]) == 64 and len(row["prev_hash"]) == 64

    def test_filters_by_school_object_actor_action_and_date(self, api_as, events, monitor_user, operator_user, school_a, school_b):
        api = api_as(monitor_user)
        count = lambda query: api.get(f"/api/v1/audit-events/?{query}").json()["count"]  # noqa: E731
        assert count(f"school_bin={school_b.bin}") == 1
        assert count(f"object_type=schools.school&object_id={school_a.pk}") == 1
        assert count("object_type=accounts.user") == 1
        assert count(f"actor={operator_user.username}") == 3 and count("actor=nobody") == 0
        assert count("action=user_created") == 1
        assert count("date_from=2000-01-01&date_to=2000-01-02") == 0
        assert count("date_from=2000-01-01") == 3
        assert api.get("/api/v1/audit-events/?date_from=yesterday").status_code == 400

    def test_export_in_csv_and_xlsx(self, api_as, events, monitor_user):
        csv = api_as(monitor_user).get("/api/v1/audit-events/export/?file_format=csv&action=user_created&date_from=2000-01-01"
                                       f"&date_to=2000-12-31&actor={monitor_user.username}")
        assert b"".join(csv.streaming_content).decode("utf-8-sig").strip().count("\n") == 0  # the header alone
        csv = api_as(monitor_user).get(f"/api/v1/audit-events/export/?file_format=csv&action=user_created&date_from={_days_ago(30)}")
        text = b"".join(csv.streaming_content).decode("utf-8-sig")
        assert len(text.strip().splitlines()) == 2 and "user_created" in text
        xlsx = api_as(monitor_user).get(f"/api/v1/audit-events/export/?file_format=xlsx&date_from={_days_ago(365)}")
        assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"

    def test_an_export_of_more_than_366_days_not_narrowed_to_a_subject_or_person_is_refused(self, api_as, events,
                                                                                             monitor_user, school_a):
        api = api_as(monitor_user)
        for query in ("", "action=user_created", "date_to=2026-01-01", f"date_from={_days_ago(366)}",
                      "date_from=2024-01-01&date_to=2025-01-01", "date_from=2025-02-01&date_to=2025-01-01"):
            refused = api.get(f"/api/v1/audit-events/export/?file_format=csv&{query}", HTTP_ACCEPT_LANGUAGE="ru")
            assert refused.status_code == 400, query
            error = refused.json()["error"]
            assert error["code"] == "export_too_wide" and "366" in error["message"], query
            assert "export" not in error["message"] and "date_from" in error.get("fields", {})  # in Russian, on the dates
        for query in (f"school_bin={school_a.bin}", f"object_id={school_a.pk}", "actor=operator1", f"school={school_a.pk}",
                      "date_from=2025-01-01&date_to=2025-12-31"):
            assert api.get(f"/api/v1/audit-events/export/?file_format=csv&{query}").status_code == 200, query

    def test_who_is_found_by_login_as_before_and_by_the_full_name_shown(self, api_as, events, monitor_user, operator_user):
        operator_user.first_name, operator_user.last_name, operator_user.position = "Айгүл", "Сейітова", "бас маман"
        operator_user.save()
        api = api_as(monitor_user)
        count = lambda query: api.get("/api/v1/audit-events/", {"actor": query}).json()["count"]  # noqa: E731
        assert count("operator1") == 3
        assert count("Сейітова") == 3 and count("айгүл сейітова") == 3 and count(operator_user.display_name) == 3
        assert count("Сейітова Айгүл, директор") == 0 and count("Бекова") == 0

    def test_the_school_box_takes_a_name_as_well_as_a_bin(self, api_as, events, monitor_user, school_a, school_b):
        api = api_as(monitor_user)
        count = lambda query: api.get("/api/v1/audit-events/", {"school_bin": query}).json()["count"]  # noqa: E731
        assert count(school_a.bin) == 1 and count(school_b.bin) == 1
        assert count(school_a.name_ru[2:12]) >= 1 and count("no such school") == 0

    def test_verify_reports_the_chain(self, api_as, events, monitor_user):
        result = api_as(monitor_user).get("/api/v1/audit-events/verify/").json()
        assert result["intact"] is True and result["count"] == 3 and result["summary"].startswith("audit chain intact: 3 events")

    def test_published_heads_are_public_and_read_only(self, api, events):
        from core.services import audit_head_publish

        audit_head_publish()
        rows = api.get("/api/v1/audit-heads/").json()["results"]
        assert rows[0]["seq"] == 3 and rows[0]["sealed"] is False and rows[0]["statement"].startswith("e-qazyna audit chain head")
        assert api.post("/api/v1/audit-heads/", {}).status_code in (401, 403, 405)


class AuditPageTests:
    def test_the_page_lists_events_in_words_and_verifies(self, client, events, monitor_user):
        client.force_login(monitor_user)
        page = client.get("/en/oversight/audit/").content.decode()
        assert "School profile updated" in page and "1 → 2" in page and 'data-testid="verify-chain"' in page
        verified = client.get("/en/oversight/audit/verify/").content.decode()
        # The three events, and the monitor's own sign-in (audited too).
        assert AuditEvent.objects.count() == 4 and AuditEvent.objects.filter(action="signed_in").count() == 1
        assert 'data-intact="true"' in verified and "4 events" in verified
        assert client.get(f"/en/oversight/audit/?export=csv&date_from={_days_ago(7)}").status_code == 200

    def test_the_object_type_is_picked_by_name_and_the_events_sort_both_ways(self, client, events, monitor_user, school_a):
        client.force_login(monitor_user)
        page = client.get("/kk/oversight/audit/", {"object_type": "schools.school", "sort": "seq"}).content.decode()
        assert '<option value="schools.school" selected>Мектеп</option>' in page
        assert '<optgroup label="Мектептер">' in page
        oldest = [int(n) for n in re.findall(r'data-testid="audit-row"[^>]*>\s*<td[^>]*>(\d+)</td>', page)]
        assert oldest == sorted(oldest) and len(oldest) == 2 and 'aria-sort="ascending"' in page
        newest = client.get("/kk/oversight/audit/", {"object_type": "schools.school", "sort": "-seq"}).content.decode()
        assert [int(n) for n in re.findall(r'data-testid="audit-row"[^>]*>\s*<td[^>]*>(\d+)</td>', newest)] == oldest[::-1]

    def test_a_school_sees_no_audit_page_and_a_department_only_its_region(self, client, events, school_user, department_user,
                                                                         region_almaty):
        client.force_login(school_user)
        assert client.get("/en/oversight/audit/").status_code == 403
        client.force_login(department_user)
        page = client.get("/en/oversight/audit/").content.decode()
        assert page.count('data-testid="audit-row"') == 1

    def test_an_unbounded_export_on_the_page_says_what_to_choose_in_the_readers_language(self, client, events, monitor_user):
        client.force_login(monitor_user)
        for language in ("kk", "ru", "en"):
            refused = client.get(f"/{language}/oversight/audit/?export=csv")
            assert refused.status_code == 400
            alert = re.search(r'data-testid="export-error">([^<]+)<', refused.content.decode()).group(1)
            assert "366" in alert and ("An export" in alert) == (language == "en")
            assert 'data-testid="audit-table"' in refused.content.decode()  # the page is still there, filters and all

    def test_the_who_box_offers_people_by_name_among_those_the_reader_sees(self, client, events, department_user,
                                                                           other_department_user, monitor_user, school_a):
        from tests.factories import make_user

        for user, first, last in ((department_user, "Айгүл", "Серікова"), (other_department_user, "Айжан", "Серікбаева")):
            user.first_name, user.last_name = first, last
            user.save()
        teacher = make_user("school_a_user", role="school", school=school_a)
        teacher.first_name, teacher.last_name, teacher.position = "Айдана", "Серікқызы", "директор"
        teacher.save()
        client.force_login(department_user)
        page = client.get("/kk/oversight/audit/").content.decode()
        assert 'hx-get="/kk/oversight/audit/actors/?field=actor"' in page
        offered = client.get("/kk/oversight/audit/actors/", {"field": "actor", "actor": "Сері"}).content.decode()
        assert "Серікова" in offered and "Серікқызы Айдана, директор" not in offered or "директор" in offered
        assert "Серікбаева" not in offered  # another region's officer
        assert "dept_" not in offered and "school_a_user" not in offered  # never a login
        client.force_login(monitor_user)
        offered = client.get("/kk/oversight/audit/actors/", {"field": "actor", "actor": "Сері"}).content.decode()
        assert "Серікбаева" in offered and "Серікова" in offered
        assert client.get("/kk/oversight/audit/actors/", {"field": "actor", "actor": "С"}).content.decode().strip() == ""

    def test_the_page_filters_by_the_name_picked_in_the_who_and_school_boxes(self, client, events, monitor_user, operator_user,
                                                                              school_a):
        operator_user.first_name, operator_user.last_name = "Айгүл", "Сейітова"
        operator_user.save()
        client.force_login(monitor_user)
        rows = lambda **query: client.get("/en/oversight/audit/", query).content.decode().count('data-testid="audit-row"')  # noqa: E731
        assert rows(actor=operator_user.display_name) == 3 and rows(actor="operator1") == 3
        assert rows(school_bin="Мектеп А") == 1 and rows(school_bin=school_a.bin) == 1

    def test_the_heads_page_is_public(self, client, events):
        from core.services import audit_head_publish

        published = audit_head_publish()
        assert published.hash in client.get("/en/oversight/audit/heads/").content.decode()

    def test_a_department_of_a_region_without_events_sees_none(self, client, events, region_almaty):
        from tests.factories import RegionRef, make_user

        region = RegionRef.get("79")
        make_school(region=region)
        user = make_user("dept_south", role="department", region=region)
        client.force_login(user)
        assert 'data-testid="audit-row"' not in client.get("/en/oversight/audit/").content.decode()


class AuditListQueryCountTests:
    def test_a_page_of_events_costs_the_same_queries_for_2_subjects_as_for_12(self, api_as, client, operator_user, school_a):
        """A subject's name reads a related row (an enrolment's is its pupil's): joined, not one query per event."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from contingent.choices import EnrolmentEvent
        from tests.contingent.factories import make_enrolment

        client.force_login(operator_user)
        api = api_as(operator_user)
        counts = {}
        for size in (2, 12):
            for _ in range(size - (2 if size == 12 else 0)):
                audit_record(actor=operator_user, action=EnrolmentEvent.ADDED, subject=make_enrolment(school=school_a))
            api.get("/api/v1/audit-events/")  # warm caches (content types)
            client.get("/en/oversight/audit/")  # and the session's first refresh (accounts.middleware.SessionRefreshMiddleware)
            with CaptureQueriesContext(connection) as api_queries:
                assert api.get("/api/v1/audit-events/").status_code == 200
            with CaptureQueriesContext(connection) as page_queries:
                assert client.get("/en/oversight/audit/").status_code == 200
            counts[size] = (len(api_queries), len(page_queries))
        assert counts[2] == counts[12], counts
