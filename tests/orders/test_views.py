import hashlib

import pytest
from django.utils import timezone

from orders.models import Application, StateOrder
from tests.orders.factories import make_active_contract, make_application, make_order

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


class PageAccessTests:
    @pytest.mark.parametrize("role_fixture", ["department_user", "school_user", "operator_user", "monitor_user"])
    def test_every_role_opens_the_order_application_and_contract_lists(self, client, request, role_fixture, department_user,
                                                                      school_user):
        make_active_contract(order=make_order(actor=department_user), school_actor=school_user, department_actor=department_user)
        signed_in(client, request.getfixturevalue(role_fixture))
        for url in ("/en/orders/", "/en/orders/applications/", "/en/orders/contracts/", "/en/orders/queue/"):
            assert client.get(url).status_code == 200, url

    def test_the_pages_need_a_sign_in_except_the_public_queue(self, client, department_user):
        order = make_order(actor=department_user)
        assert client.get("/kk/orders/").status_code == 302
        assert client.get("/kk/orders/contracts/").status_code == 302
        assert client.get("/kk/orders/queue/").status_code == 200
        assert client.get(f"/kk/orders/queue/{order.pk}/").status_code == 200

    def test_navigation_lists_the_order_pages_for_signed_in_roles(self, client, school_user):
        html = signed_in(client, school_user).get("/en/").content.decode()
        for href in ('href="/en/orders/"', 'href="/en/orders/applications/"', 'href="/en/orders/contracts/"'):
            assert href in html

    def test_the_public_home_page_links_the_queue(self, client):
        assert 'href="/kk/orders/queue/"' in client.get("/kk/").content.decode()

    def test_a_monitor_reads_a_contract_but_sees_no_action_and_cannot_post(self, client, department_user, school_user,
                                                                           monitor_user):
        contract = make_active_contract(order=make_order(actor=department_user), school_actor=school_user,
                                        department_actor=department_user)
        signed_in(client, monitor_user)
        html = client.get(f"/en/orders/contracts/{contract.pk}/").content.decode()
        assert contract.number in html and "contract-suspend" not in html
        assert client.post(f"/en/orders/contracts/{contract.pk}/suspend/", {"reason": "x"}).status_code == 403
        contract.refresh_from_db()
        assert contract.status == "active"

    def test_scoping_hides_other_regions_and_schools(self, client, department_user, other_department_user, school_user,
                                                     school_c_user):
        contract = make_active_contract(order=make_order(actor=department_user), school_actor=school_user,
                                        department_actor=department_user)
        signed_in(client, other_department_user)
        assert client.get(f"/en/orders/{contract.order_id}/").status_code == 404
        assert client.get(f"/en/orders/contracts/{contract.pk}/").status_code == 404
        signed_in(client, school_c_user)
        assert client.get(f"/en/orders/contracts/{contract.pk}/document/").status_code == 404
        assert client.get(f"/en/orders/applications/{contract.application_id}/").status_code == 404
        assert client.get(f"/en/orders/{contract.order_id}/").status_code == 200  # the order itself is open to its region


class DepartmentPagesTests:
    def test_a_department_creates_edits_and_publishes_an_order_through_the_forms(self, client, department_user):
        signed_in(client, department_user)
        now = timezone.localtime()
        form = {
            "school_year": 2026, "programme_code": "261-015", "title": "", "budget": "90000000",
            "sen_coefficient": "1.5", "applications_open_at": (now - timezone.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "applications_close_at": (now + timezone.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
            "service_start": "2026-09-01", "service_end": "2027-05-31",
            "places_primary": "30", "norm_primary": "60000", "places_basic": "", "norm_basic": "", "places_general": "",
            "norm_general": "",
        }
        response = client.post("/en/orders/new/", form)
        order = StateOrder.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/en/orders/{order.pk}/"
        response = client.post(f"/en/orders/{order.pk}/edit/", {**form, "service_end": "2027-05-30"})
        assert "The service period must run from the first day of a month to the last day of a month." in response.content.decode()
        client.post(f"/en/orders/{order.pk}/edit/", {**form, "places_basic": "10", "norm_basic": "70000"})
        assert sorted(order.levels.values_list("level", "places")) == [("basic", 10), ("primary", 30)]
        client.post(f"/en/orders/{order.pk}/publish/")
        order.refresh_from_db()
        assert order.status == "published"
        assert client.get(f"/en/orders/{order.pk}/edit/")["Location"] == f"/en/orders/{order.pk}/"  # no form …
        client.post(f"/en/orders/{order.pk}/edit/", {**form, "budget": "1"})  # … and a posted one is refused by the service
        order.refresh_from_db()
        assert order.budget == 90000000

    def test_a_department_approves_fewer_places_and_rejects_with_a_reason(self, client, department_user, school_user,
                                                                          school_c_user):
        order = make_order(actor=department_user)
        first = make_application(order=order, actor=school_user, places={"primary": 10})
        second = make_application(order=order, actor=school_c_user, places={"primary": 3})
        signed_in(client, department_user)
        page = client.get(f"/en/orders/applications/{first.pk}/").content.decode()
        assert 'data-testid="approve-form"' in page
        client.post(f"/en/orders/applications/{first.pk}/approve/", {"places_primary": "7", "note": ""})
        first.refresh_from_db()
        assert (first.status, first.levels.get().approved_places, first.contract.status) == ("approved", 7, "draft")
        response = client.post(f"/en/orders/applications/{second.pk}/reject/", {"reason": ""}, follow=True)
        assert "A reason is required." in response.content.decode()
        client.post(f"/en/orders/applications/{second.pk}/reject/", {"reason": "No licence for grade 5"})
        second.refresh_from_db()
        assert (second.status, second.reason) == ("rejected", "No licence for grade 5")


class SchoolPagesTests:
    def test_a_school_applies_through_the_form_and_may_withdraw(self, client, department_user, school_user):
        order = make_order(actor=department_user)
        signed_in(client, school_user)
        assert 'data-testid="order-apply"' in client.get(f"/en/orders/{order.pk}/").content.decode()
        response = client.post(f"/en/orders/{order.pk}/apply/", {"places_primary": "12", "places_basic": "", "places_general": "2"})
        application = Application.objects.get()
        assert response["Location"] == f"/en/orders/applications/{application.pk}/"
        assert {row.level: row.requested_places for row in application.levels.all()} == {"primary": 12, "general": 2}
        client.post(f"/en/orders/applications/{application.pk}/withdraw/")
        application.refresh_from_db()
        assert application.status == "withdrawn"

    def test_a_blocked_school_sees_why_before_and_when_it_applies(self, client, department_user, school_user, school_a):
        from tests.orders.test_applications import make_finding

        order = make_order(actor=department_user)
        make_finding(school_a, "S03")
        signed_in(client, school_user)
        page = client.get(f"/en/orders/{order.pk}/").content.decode()
        assert 'data-testid="apply-blocked"' in page and "register of unreliable suppliers" in page
        response = client.post(f"/en/orders/{order.pk}/apply/", {"places_primary": "1"})
        assert "Your school cannot apply while these check findings are open" in response.content.decode()
        assert not Application.objects.exists()

    def test_the_school_signs_the_document_shown_with_a_ticked_confirmation(self, client, department_user, school_user):
        from orders.services import application_approve

        application = make_application(order=make_order(actor=department_user), actor=school_user)
        contract = application_approve(application=application, actor=department_user).contract
        signed_in(client, school_user)
        page = client.get(f"/en/orders/contracts/{contract.pk}/").content.decode()
        assert contract.document.sha256 in page and 'data-testid="sign-form"' in page
        shown = client.get(f"/en/orders/contracts/{contract.pk}/document/")
        assert shown["X-Frame-Options"] == "SAMEORIGIN"
        sha = hashlib.sha256(shown.content).hexdigest()
        client.post(f"/en/orders/contracts/{contract.pk}/sign/", {"document_sha256": sha})  # no confirmation ticked
        contract.refresh_from_db()
        assert contract.status == "draft"
        client.post(f"/en/orders/contracts/{contract.pk}/sign/", {"document_sha256": sha, "confirm": "on"})
        contract.refresh_from_db()
        assert contract.status == "signed_by_school"
        assert contract.signatures.get().sha256 == sha

    def test_the_contract_pdf_downloads_in_kazakh_and_russian(self, client, department_user, school_user):
        contract = make_active_contract(order=make_order(actor=department_user), school_actor=school_user,
                                        department_actor=department_user)
        signed_in(client, school_user)
        for lang in ("kk", "ru"):
            response = client.get(f"/kk/orders/contracts/{contract.pk}/pdf/{lang}/")
            assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
        assert client.get(f"/kk/orders/contracts/{contract.pk}/pdf/de/").status_code == 404


class PublicQueuePageTests:
    def test_the_queue_page_shows_schools_places_and_status_in_submission_order_and_no_people(
            self, client, department_user, school_user, school_c_user):
        order = make_order(actor=department_user)
        first = make_application(order=order, actor=school_user, places={"primary": 4})
        make_application(order=order, actor=school_c_user, places={"basic": 2})
        from orders.services import application_approve

        application_approve(application=first, actor=department_user, places={"primary": 3})
        html = client.get(f"/en/orders/queue/{order.pk}/").content.decode()
        assert html.index("Мектеп А") < html.index("Мектеп В")
        assert "Primary (grades 0–4): 4" in html and "Primary (grades 0–4): 3" in html and "Basic secondary (grades 5–9): 2" in html
        assert first.submitted_at.strftime("%S.%f") in html  # the time to the microsecond
        for secret in (school_user.username, department_user.username, school_user.school.bin):
            assert secret not in html

    def test_drafts_are_not_in_the_public_queue(self, client, department_user):
        draft = make_order(actor=department_user, publish=False)
        assert client.get(f"/en/orders/queue/{draft.pk}/").status_code == 404
        assert 'data-testid="queue-order-link"' not in client.get("/en/orders/queue/").content.decode()


    def test_the_queue_sorts_by_place_and_status_both_ways_and_the_orders_by_year(self, client, department_user, school_user,
                                                                                school_c_user):
        from orders.services import application_approve
        from tests.sorting import assert_sorts

        order = make_order(actor=department_user)
        first = make_application(order=order, actor=school_user, places={"primary": 4})
        second = make_application(order=order, actor=school_c_user, places={"basic": 2})
        application_approve(application=second, actor=department_user, places={"basic": 2})  # approved < submitted
        assert_sorts(client, f"/en/orders/queue/{order.pk}/", "position", [first.pk, second.pk], context="entries")
        assert_sorts(client, f"/en/orders/queue/{order.pk}/", "status", [second.pk, first.pk], context="entries")
        later = make_order(actor=department_user, school_year=2027)
        assert_sorts(client, "/en/orders/queue/", "year", [order.pk, later.pk])


class QuickFilterTests:
    def test_the_department_finds_applications_to_decide_and_contracts_to_sign(self, client, department_user, school_user,
                                                                              school_c_user):
        from orders.services import application_approve, contract_sign

        order = make_order(actor=department_user)
        decided = application_approve(application=make_application(order=order, actor=school_user), actor=department_user)
        waiting = make_application(order=order, actor=school_c_user)
        contract_sign(contract=decided.contract, document_sha256=decided.contract.document.sha256, actor=school_user)
        signed_in(client, department_user)
        page = client.get("/en/orders/applications/?status=submitted").content.decode()
        assert f"/en/orders/applications/{waiting.pk}/" in page and f"/en/orders/applications/{decided.pk}/" not in page
        page = client.get("/en/orders/contracts/?status=signed_by_school").content.decode()
        assert decided.contract.number in page and 'data-testid="to-sign"' in page


class ConfirmationDialogTests:
    """Consequential steps open a titled dialog that says what will happen, with counts and amounts."""

    def test_publishing_shows_the_levels_places_and_money_before_it_happens(self, client, department_user):
        order = make_order(actor=department_user, publish=False, levels={"primary": (30, "60000"), "basic": (20, "70000")})
        html = signed_in(client, department_user).get(f"/en/orders/{order.pk}/").content.decode()
        dialog = html[html.index('id="order-publish-dialog"'):]
        dialog = dialog[:dialog.index('data-testid="order-publish-confirm"')]
        assert "Publish the state order" in dialog and "can no longer be edited" in dialog
        assert "<dd class=\"col-5 text-end text-nowrap\">50</dd>" in dialog  # places
        assert "1,000,000,000.00" in dialog  # the money available
        assert f'action="/en/orders/{order.pk}/publish/"' in dialog
        assert StateOrder.objects.get(pk=order.pk).status == "draft", "opening the page changes nothing"

    def test_approving_shows_the_contract_amount_at_the_proposed_places(self, client, department_user, school_user):
        order = make_order(actor=department_user, levels={"primary": (100, "61234.57")})
        application = make_application(order=order, actor=school_user, places={"primary": 12})
        html = signed_in(client, department_user).get(f"/en/orders/applications/{application.pk}/").content.decode()
        dialog = html[html.index('id="application-approve-dialog"'):]
        assert "Approve the application" in dialog
        assert "6,613,333.56" in dialog  # 12 × 61 234,57 × 9 months
        assert 'form="approve-form"' in dialog and 'id="approve-form"' in html
        assert Application.objects.get(pk=application.pk).status == "submitted"

    def test_suspension_termination_and_closing_are_separate_titled_dialogs(self, client, department_user, school_user):
        contract = make_active_contract(order=make_order(actor=department_user), school_actor=school_user,
                                        department_actor=department_user)
        html = signed_in(client, department_user).get(f"/en/orders/contracts/{contract.pk}/").content.decode()
        for action, title, reason in (("suspend", "Suspend the contract", "required"),
                                      ("terminate", "Terminate the contract", "required"),
                                      ("close", "Close the contract", "")):
            dialog = html[html.index(f'id="contract-{action}-dialog"'):]
            dialog = dialog[:dialog.index(f'data-testid="contract-{action}-confirm"')]
            assert f'<h2 class="modal-title h5" id="contract-{action}-dialog-title">{title}</h2>' in dialog
            assert f'action="/en/orders/contracts/{contract.pk}/{action}/"' in dialog
            assert contract.number in dialog and 'name="reason"' in dialog
            assert (" required" in dialog.split('name="reason"')[1].split(">")[0]) == bool(reason)
        assert "<script>" not in html and "onclick" not in html.lower()


@pytest.mark.django_db
class ApplicationDecisionContextTests:
    """Issue 12 item 9: the application page shows what the department weighs before it decides."""

    def test_the_page_shows_the_queue_position_licence_capacity_and_open_findings(self, client, department_user, school_user,
                                                                                  school_c_user, school_a):
        from schools.models import School
        from tests.schools.factories import make_finding, make_licence

        School.objects.filter(pk=school_a.pk).update(capacity=450)
        make_licence(school_a, number="LIC-DECIDE", levels=["primary"])
        make_finding(school_a, code="S04", severity="error")
        make_finding(school_a, code="S05", severity="warning")
        order = make_order(actor=department_user)
        make_application(order=order, actor=school_c_user)
        application = make_application(order=order, actor=school_user, places={"primary": 10, "basic": 5})
        client.force_login(department_user)
        html = client.get(f"/en/orders/applications/{application.pk}/").content.decode()
        context = html[html.index('data-testid="decision-context"'):]
        assert "2 of 2" in context  # second in the order's queue
        assert "450 pupils; 15 places requested" in context
        assert "LIC-DECIDE" in context
        # the licence covers primary only: basic is named as not covered on the first day of service
        uncovered = context[context.index('data-testid="uncovered-levels"'):]
        assert "Basic secondary (grades 5–9)" in uncovered[:400] and "Primary" not in uncovered[:400]
        assert "errors: 1" in context and "warnings: 1" in context
        assert f"/en/schools/{school_a.pk}/" in context

    def test_the_queue_position_is_the_public_queues(self, department_user, school_user, school_c_user):
        from orders.selectors import queue_entries, queue_position

        order = make_order(actor=department_user)
        first = make_application(order=order, actor=school_c_user)
        second = make_application(order=order, actor=school_user)
        public = {entry.pk: entry.position for entry in queue_entries().filter(order_id=order.pk)}
        assert queue_position(application=first) == (public[first.pk], 2) == (1, 2)
        assert queue_position(application=second) == (public[second.pk], 2) == (2, 2)


class OrderTitleTests:
    """Issue 12 item 5: an order's title exists in Kazakh, Russian and English; pages show the reader's."""

    FORM = {
        "school_year": 2026, "programme_code": "261-015", "budget": "90000000", "sen_coefficient": "1.5",
        "service_start": "2026-09-01", "service_end": "2027-05-31", "places_primary": "30", "norm_primary": "60000",
    }

    def _form(self, **titles):
        now = timezone.localtime()
        return {**self.FORM, "applications_open_at": (now - timezone.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                "applications_close_at": (now + timezone.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"), **titles}

    def test_a_title_in_one_language_only_is_refused_and_nothing_is_saved(self, client, department_user):
        signed_in(client, department_user)
        response = client.post("/en/orders/new/", self._form(title="Негізгі тапсырыс"))
        assert "Give the title in Kazakh, Russian and English, or leave all three empty." in response.content.decode()
        assert not StateOrder.objects.exists()

    def test_each_language_reads_its_own_title(self, client, department_user):
        signed_in(client, department_user)
        client.post("/en/orders/new/", self._form(title="Негізгі тапсырыс", title_ru="Основной заказ", title_en="Main order"))
        order = StateOrder.objects.get()
        assert (order.title, order.title_ru, order.title_en) == ("Негізгі тапсырыс", "Основной заказ", "Main order")
        for language, title in (("kk", "Негізгі тапсырыс"), ("ru", "Основной заказ"), ("en", "Main order")):
            assert title in client.get(f"/{language}/orders/{order.pk}/").content.decode()
            assert title in client.get(f"/{language}/orders/").content.decode()
