"""The global search box (portal.search): what it finds is what its user may see on the lists."""

from __future__ import annotations

import pytest

from core.models import AuditEvent
from tests.acts.conftest import OCTOBER
from tests.acts.factories import make_contract, make_enrolment, make_iban
from tests.acts.helpers import accepted_act
from tests.payments.helpers import pay


def search(client, user, text: str, lang: str = "en"):
    client.force_login(user)
    response = client.get(f"/{lang}/search/", {"q": text})
    assert response.status_code == 200
    return response


def groups(response) -> dict[str, list[str]]:
    return {group.key: [hit.title for hit in group.hits] for group in response.context["results"].groups}


@pytest.mark.django_db
class PupilSearchTests:
    def test_a_school_finds_its_own_pupil_by_iin_and_never_another_schools_and_each_search_is_audited(
            self, client, school_a, school_b, school_user):
        own = make_enrolment(school=school_a)
        other = make_enrolment(school=school_b)
        found = search(client, school_user, own.pupil.iin)
        assert groups(found) == {"pupils": [str(own.pupil)]}
        assert groups(search(client, school_user, other.pupil.iin)) == {}
        searched = AuditEvent.objects.filter(action="pupil_searched").order_by("id")
        assert [(event.actor, event.data["iin"], event.data["enrolments_shown"]) for event in searched] == [
            (school_user, own.pupil.iin, 1), (school_user, other.pupil.iin, 0)]
        assert searched[0].object_id == str(own.pupil.pk) and searched[1].object_id == ""

    def test_a_bin_is_not_recorded_as_a_pupil_search(self, client, school_a, department_user):
        assert groups(search(client, department_user, school_a.bin)) == {"schools": [school_a.name]}
        assert not AuditEvent.objects.filter(action="pupil_searched").exists()

    def test_a_monitor_may_look_a_pupil_up_and_is_recorded_too(self, client, school_a, monitor_user):
        own = make_enrolment(school=school_a)
        assert groups(search(client, monitor_user, own.pupil.iin)) == {"pupils": [str(own.pupil)]}
        assert AuditEvent.objects.filter(action="pupil_searched", actor=monitor_user).count() == 1


@pytest.mark.django_db
class NumberSearchTests:
    def test_a_department_finds_schools_of_its_region_by_name_and_the_list_link_shows_the_same(
            self, client, school_a, school_b, department_user):
        found = search(client, department_user, "Мектеп")
        assert groups(found) == {"schools": [school_a.name]}  # school_b is in another region
        link = found.context["results"].groups[0].list_url
        listed = client.get(link)
        assert listed.status_code == 200 and school_a.bin in listed.content.decode()
        assert school_b.bin not in listed.content.decode()

    def test_contracts_acts_registries_and_payments_by_the_numbers_on_their_pages(
            self, client, school_a, school_b, school_user, department_user, operator_user, second_operator_user):
        school_a.iban = make_iban()
        school_a.save(update_fields=["iban"])
        contract = make_contract(school=school_a)
        make_enrolment(school=school_a)
        act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        payment = pay(act=act, preparer=operator_user, approver=second_operator_user)
        assert groups(search(client, operator_user, contract.number)) == {"contracts": [contract.number]}
        assert groups(search(client, operator_user, act.number)) == {"acts": [act.number]}
        assert groups(search(client, operator_user, payment.reference)) == {"payments": [payment.reference]}
        assert groups(search(client, operator_user, payment.registry.number)) == {"payments": [payment.reference]}
        assert groups(search(client, school_user, act.number)) == {"acts": [act.number]}
        other = make_contract(school=school_b)
        assert groups(search(client, school_user, other.number)) == {}  # not its contract

    def test_a_malformed_number_or_a_short_text_gets_a_hint_and_finds_nothing(
            self, client, school_a, school_user, department_user, operator_user):
        contract = make_contract(school=school_a)
        make_enrolment(school=school_a)
        accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user)
        wrong_month = search(client, operator_user, f"{contract.number}/2025-13", lang="ru")
        # Not every act: the list's filter set would skip a value it cannot read.
        assert groups(wrong_month) == {} and "ГГГГ-ММ" in wrong_month.context["results"].hint
        assert 'data-testid="search-hint"' in wrong_month.content.decode()
        short = search(client, operator_user, "ab")
        assert groups(short) == {} and "at least 3 characters" in short.context["results"].hint

    def test_visitors_are_sent_to_sign_in(self, client):
        response = client.get("/en/search/", {"q": "Мектеп"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_every_signed_in_page_offers_the_search(client, school_user):
    client.force_login(school_user)
    assert 'data-testid="nav-search"' in client.get("/kk/").content.decode()
