"""The inbox page, its unread badge, the preferences page, and the inbox API — each user's own only."""

from __future__ import annotations

import pytest
from django.db.models import Q

from notifications.choices import EmailMode
from notifications.choices import NotificationKind as Kind
from notifications.models import Notification, NotificationPreference
from notifications.services import notify

pytestmark = pytest.mark.django_db


def tell(user, key, kind=Kind.ACT_RETURNED):
    (pk,) = notify(kind=kind, key=key, users=Q(pk=user.pk), params={"act": f"ACT-{key}", "reason": "—"},
                   url_name="acts:list")
    return pk


class InboxPageTests:
    @pytest.mark.parametrize("role_fixture", ["department_user", "school_user", "operator_user", "monitor_user"])
    def test_every_role_reads_its_own_inbox_and_badge(self, client, request, role_fixture, other_school_user):
        user = request.getfixturevalue(role_fixture)
        tell(user, "mine")
        tell(other_school_user, "theirs")
        client.force_login(user)
        page = client.get("/ru/notifications/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "ACT-mine" in html and "ACT-theirs" not in html
        assert "возвращён" in html.lower() or "возвращен" in html.lower()
        badge = client.get("/ru/notifications/unread/").content.decode()
        assert 'data-count="1"' in badge

    def test_a_long_inbox_pages_by_cursor_each_notification_once(self, client, school_user):
        """An inbox grows for years: its pages follow a cursor (an index range), keeping the unread filter."""
        import re

        keys = [f"n{n:02d}" for n in range(55)]
        for key in keys:
            tell(school_user, key)
        client.force_login(school_user)
        seen, url = [], "/en/notifications/?unread=1"
        while url:
            html = client.get(url).content.decode()
            seen += re.findall(r"ACT-(n\d\d)", html)
            more = re.search(r'rel="next" href="([^"]+)"', html)
            url = "/en/notifications/" + more.group(1).replace("&amp;", "&") if more else None
            assert url is None or "unread=1" in url
        assert sorted(seen) == keys and len(seen) == len(set(seen))

    def test_the_navigation_loads_the_unread_badge_with_htmx(self, client, school_user):
        client.force_login(school_user)
        html = client.get("/kk/").content.decode()
        assert 'hx-get="/kk/notifications/unread/"' in html

    def test_marking_read_empties_the_badge_and_a_monitor_may_do_it(self, client, monitor_user):
        pk = tell(monitor_user, "one")
        tell(monitor_user, "two")
        client.force_login(monitor_user)
        assert client.post(f"/en/notifications/{pk}/read/").status_code == 302
        assert 'data-count="1"' in client.get("/en/notifications/unread/").content.decode()
        answer = client.post("/en/notifications/read/", HTTP_HX_REQUEST="true")
        assert answer.status_code == 200 and 'data-count="0"' in answer.content.decode()

    def test_a_monitor_still_cannot_post_elsewhere(self, client, monitor_user):
        client.force_login(monitor_user)
        assert client.post("/en/acts/build/").status_code == 403

    def test_marking_another_users_notification_changes_nothing(self, client, school_user, other_school_user):
        theirs = tell(other_school_user, "theirs")
        client.force_login(school_user)
        client.post(f"/en/notifications/{theirs}/read/")
        assert Notification.objects.get(pk=theirs).read_at is None

    def test_next_leads_back_only_within_the_portal(self, client, school_user):
        pk = tell(school_user, "one")
        client.force_login(school_user)
        answer = client.post(f"/en/notifications/{pk}/read/", {"next": "https://evil.example/"})
        assert answer["Location"] == "/en/notifications/"


class PreferencesPageTests:
    def test_the_page_saves_a_users_choices(self, client, school_user):
        client.force_login(school_user)
        page = client.get("/kk/notifications/preferences/")
        assert page.status_code == 200
        data = {}
        for kind in Kind.values:
            data[f"{kind}__email"] = EmailMode.IMMEDIATELY
            data[f"{kind}__inbox"] = "on"
        data[f"{Kind.PAYMENT_PAID}__email"] = EmailMode.DAILY
        del data[f"{Kind.NEW_FINDINGS}__inbox"]
        assert client.post("/kk/notifications/preferences/", data).status_code == 302
        saved = {p.kind: (p.in_inbox, p.email) for p in NotificationPreference.objects.filter(user=school_user)}
        assert saved[Kind.PAYMENT_PAID] == (True, EmailMode.DAILY)
        assert saved[Kind.NEW_FINDINGS] == (False, EmailMode.IMMEDIATELY)

    def test_a_bad_choice_is_refused_with_a_message_and_changes_nothing(self, client, school_user):
        client.force_login(school_user)
        data = {f"{kind}__email": "weekly" for kind in Kind.values}
        page = client.post("/en/notifications/preferences/", data)
        assert page.status_code == 200 and "Check the choices below." in page.content.decode()
        assert not NotificationPreference.objects.exists()


class InboxApiTests:
    def test_lists_only_the_callers_notifications_with_their_words(self, api_as, school_user, other_school_user):
        tell(school_user, "a")
        tell(other_school_user, "b")
        answer = api_as(school_user).get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en")
        assert answer.status_code == 200
        body = answer.json()
        assert body["count"] == 1
        (row,) = body["results"]
        assert row["kind"] == Kind.ACT_RETURNED and row["unread"] is True and "ACT-a" in row["text"]

    def test_filters_unread_and_marks_read(self, api_as, monitor_user):
        first, _second = tell(monitor_user, "a"), tell(monitor_user, "b")
        client = api_as(monitor_user)
        assert client.post(f"/api/v1/notifications/{first}/read/").json() == {"marked": 1, "unread": 1}
        assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 1
        assert client.post("/api/v1/notifications/mark-read/", {}, format="json").json() == {"marked": 1, "unread": 0}
        assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}

    def test_another_users_notification_is_not_found(self, api_as, school_user, other_school_user):
        theirs = tell(other_school_user, "b")
        client = api_as(school_user)
        assert client.get(f"/api/v1/notifications/{theirs}/").status_code == 404
        assert client.post(f"/api/v1/notifications/{theirs}/read/").status_code == 404
        assert client.post("/api/v1/notifications/mark-read/", {"ids": [theirs]}, format="json").json()["marked"] == 0

    def test_bad_ids_get_a_400(self, api_as, school_user):
        answer = api_as(school_user).post("/api/v1/notifications/mark-read/", {"ids": ["x"]}, format="json")
        assert answer.status_code == 400

    def test_an_anonymous_caller_is_refused(self, api):
        assert api.get("/api/v1/notifications/").status_code == 401


class InboxSortingTests:
    def test_the_inbox_reads_oldest_first_by_cursor_each_once_and_newest_first_by_default(self, client, school_user):
        """The inbox sorts by date both ways; its pages follow a cursor of that order (the sort and the filter kept)."""
        import re

        for n in range(55):
            tell(school_user, f"n{n:02d}")
        by_date = list(Notification.objects.filter(user=school_user).order_by("created_at", "id").values_list("pk", flat=True))
        client.force_login(school_user)

        def read_all(url):
            seen = []
            while url:
                response = client.get(url)
                seen += [n.pk for n in response.context["page"]]
                more = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
                url = "/en/notifications/" + more.group(1).replace("&amp;", "&") if more else None
                assert url is None or ("unread=1" in url and "sort=" in url)
            return seen

        assert read_all("/en/notifications/?unread=1&sort=created") == by_date
        assert read_all("/en/notifications/?unread=1&sort=-created") == by_date[::-1]
        html = client.get("/en/notifications/?unread=1&sort=created").content.decode()
        assert 'href="?unread=1&amp;sort=-created">Newest first' in html
        assert re.search(r'class="nav-link active" aria-current="true" href="[^"]*sort=created">Oldest first', html)
        own = [n.pk for n in client.get("/en/notifications/").context["page"]]
        assert own == by_date[::-1][:50]
        assert [n.pk for n in client.get("/en/notifications/?sort=nonsense").context["page"]] == own
