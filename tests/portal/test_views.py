import datetime as dt

import pytest

from tests.acts.factories import make_enrolment
from tests.schools.factories import make_finding, make_licence, make_rnu, s03_details


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


@pytest.mark.django_db
class HomeTests:
    @pytest.mark.parametrize("role", ["school_user", "department_user", "operator_user", "monitor_user", "admin_user_portal"])
    def test_each_role_lands_on_its_own_home_page_with_its_menus(self, request, client, role):
        user = request.getfixturevalue(role)
        body = page(client, user, "/en/").content.decode()
        assert 'data-testid="home-heading"' in body and 'data-testid="home-cards"' in body

    def test_visitors_see_the_public_home_page(self, client):
        body = client.get("/en/").content.decode()
        assert 'data-testid="home-heading"' in body and 'data-testid="home-cards"' not in body


@pytest.mark.django_db
class SchoolPageTests:
    def test_the_school_page_shows_profile_licences_register_status_and_findings_in_plain_words(self, client, school_user, school_a):
        make_licence(school_a, number="LIC-777", levels=["primary", "basic"])
        make_rnu(bin=school_a.bin, included_on=dt.date(2024, 2, 1), reason="Сот шешімі")
        make_finding(school_a, code="S03", details=s03_details(school_a, included_on="2024-02-01", reason="Сот шешімі"))
        body = page(client, school_user, f"/en/schools/{school_a.pk}/").content.decode()
        assert "LIC-777" in body and "Primary (grades 0–4)" in body
        assert "On the register on" in body and "Сот шешімі" in body
        assert "is on the register of unreliable suppliers since 2024-02-01" in body
        assert "Edit contacts and bank account" in body

    def test_a_school_cannot_open_another_schools_page(self, client, school_user, school_b):
        assert page(client, school_user, f"/en/schools/{school_b.pk}/").status_code == 404

    def test_a_department_cannot_open_a_school_of_another_region(self, client, department_user, school_a, school_b):
        assert page(client, department_user, f"/en/schools/{school_a.pk}/").status_code == 200
        assert page(client, department_user, f"/en/schools/{school_b.pk}/").status_code == 404

    def test_a_huge_id_is_not_found_rather_than_an_error(self, client, operator_user):
        assert page(client, operator_user, "/en/schools/99999999999999999999999/").status_code == 404

    @pytest.mark.parametrize("lang, word", [("kk", "Лицензиялар"), ("ru", "Лицензии"), ("en", "Licences")])
    def test_the_page_works_in_three_languages(self, client, operator_user, school_a, lang, word):
        response = page(client, operator_user, f"/{lang}/schools/{school_a.pk}/")
        assert response.status_code == 200 and word in response.content.decode()




@pytest.mark.django_db
class EnrolmentFindingsTests:
    """The contingent's pupil page loads the pupil's findings from the portal (contingent never reads the checks)."""

    def test_the_pupil_page_loads_the_findings_of_the_enrolment(self, client, school_user, school_a):
        enrolment = make_enrolment(school=school_a)
        make_finding(school_a, code="P03", enrolment=enrolment)
        make_finding(school_a, code="P02", enrolment=make_enrolment(school=school_a))  # another pupil
        body = page(client, school_user, f"/en/contingent/{enrolment.pk}/").content.decode()
        assert f'hx-get="/en/enrolments/{enrolment.pk}/findings/"' in body
        fragment = page(client, school_user, f"/en/enrolments/{enrolment.pk}/findings/").content.decode()
        assert "P03" in fragment and "P02" not in fragment

    def test_resolved_findings_are_not_shown_and_a_clean_pupil_says_so(self, client, school_user, school_a):
        enrolment = make_enrolment(school=school_a)
        make_finding(school_a, code="P03", enrolment=enrolment, status="resolved")
        fragment = page(client, school_user, f"/en/enrolments/{enrolment.pk}/findings/").content.decode()
        assert "P03" not in fragment and "No open finding." in fragment

    def test_another_school_or_region_gets_a_404(self, client, other_school_user, other_department_user, school_a):
        enrolment = make_enrolment(school=school_a)
        for user in (other_school_user, other_department_user):
            assert page(client, user, f"/en/enrolments/{enrolment.pk}/findings/").status_code == 404
        assert page(client, other_school_user, "/en/enrolments/99999999999999999999999/findings/").status_code == 404


@pytest.mark.django_db
class SchoolDossierTests:
    """Issue 12 item 9: a school's page gathers its applications, contracts, acts, payments and recoveries,
    each scoped to the reader."""

    def _contract(self, department_user, school_user):
        from tests.orders.factories import make_active_contract, make_order

        return make_active_contract(order=make_order(actor=department_user), school_actor=school_user,
                                    department_actor=department_user)

    def test_the_dossier_shows_the_schools_applications_and_contracts_with_links(self, client, department_user, school_user,
                                                                                 school_a):
        contract = self._contract(department_user, school_user)
        for user in (department_user, school_user):
            body = page(client, user, f"/en/schools/{school_a.pk}/").content.decode()
            contracts = body[body.index('data-testid="dossier-contracts"'):body.index('data-testid="dossier-acts"')]
            assert contract.number in contracts and f"/en/orders/contracts/{contract.pk}/" in contracts
            applications = body[body.index('data-testid="dossier-applications"'):body.index('data-testid="dossier-contracts"')]
            assert f"/en/orders/applications/{contract.application_id}/" in applications
            for key in ("acts", "payments", "recoveries"):
                assert f'data-testid="dossier-{key}"' in body

    def test_each_section_holds_only_what_the_reader_may_see(self, department_user, school_user, other_school_user, school_a):
        from portal.dossier import school_dossier

        self._contract(department_user, school_user)
        sections = {section.key: section for section in school_dossier(user=school_user, school=school_a)}
        assert sections["contracts"].count == 1 and sections["applications"].count == 1
        # another school's user asking for school A's dossier gets nothing of it (the page itself is a 404)
        other = {section.key: section.count for section in school_dossier(user=other_school_user, school=school_a)}
        assert set(other.values()) == {0}
