"""Pages: signed documents (scoped), the signature check, the identities an administrator keeps."""

from __future__ import annotations

import base64

import pytest

from accounts.models import Department, User
from core.models import AuditEvent
from signatures.services import signature_accept, signing_payload_issue
from tests.factories import next_bin, next_iin
from tests.signatures.fixtures import sign

pytestmark = pytest.mark.django_db


class SignatureListPageTests:
    def test_a_monitor_sees_every_signature_with_download_links(self, client, review, pki, school_signer,
                                                                school_certificate, monitor_user):
        issued = signing_payload_issue(obj=school_signer.school, action="accept", actor=school_signer)
        signature = signature_accept(obj=school_signer.school, action="accept", actor=school_signer,
                                     cms=sign(school_certificate, base64.b64encode(bytes(issued.payload)).decode()))
        client.force_login(monitor_user)
        page = client.get("/en/signatures/").content.decode()
        assert "ЖАНЫБЕКОВА АСЕЛЬ" in page and signature.cert_serial in page
        assert f"/api/v1/signatures/{signature.pk}/bundle/" in page

    def test_another_school_sees_none_of_them(self, client, review, school_signer, school_certificate, other_school_user):
        issued = signing_payload_issue(obj=school_signer.school, action="accept", actor=school_signer)
        signature_accept(obj=school_signer.school, action="accept", actor=school_signer,
                         cms=sign(school_certificate, base64.b64encode(bytes(issued.payload)).decode()))
        client.force_login(other_school_user)
        assert "ЖАНЫБЕКОВА" not in client.get("/en/signatures/").content.decode()


    def test_the_signatures_sort_by_signing_time_both_ways_keeping_the_filter(self, client, review, school_signer,
                                                                             school_certificate, monitor_user):
        from signatures.models import Signature
        from tests.sorting import assert_sorts

        for _ in range(3):
            issued = signing_payload_issue(obj=school_signer.school, action="accept", actor=school_signer)
            signature_accept(obj=school_signer.school, action="accept", actor=school_signer,
                             cms=sign(school_certificate, base64.b64encode(bytes(issued.payload)).decode()))
        expected = list(Signature.objects.order_by("signing_time", "id").values_list("pk", flat=True))
        client.force_login(monitor_user)
        assert_sorts(client, "/en/signatures/", "signed", expected, params={"action": "accept"})
        html = client.get("/en/signatures/", {"action": "accept", "sort": "signed"}).content.decode()
        assert '<input type="hidden" name="sort" value="signed">' in html


class CheckPageTests:
    def test_shows_what_the_certificate_must_carry_and_the_signing_widget(self, client, school_signer):
        client.force_login(school_signer)
        page = client.get("/en/signatures/check/").content.decode()
        assert school_signer.iin in page and school_signer.school.bin in page
        assert 'data-payload-url="/api/v1/signatures/check-payload/"' in page
        assert "vendor/ncalayer/ncalayer-client.js" in page and "js/signing.js" in page

    def test_a_department_without_a_bin_is_told_to_ask_an_administrator(self, client, department_user):
        client.force_login(department_user)
        page = client.get("/en/signatures/check/").content.decode()
        assert "ask an administrator" in page and "data-signing" not in page

    def test_a_monitor_does_not_sign(self, client, monitor_user):
        client.force_login(monitor_user)
        assert client.get("/en/signatures/check/").status_code == 403

    def test_the_ncalayer_client_is_served_from_the_npm_package(self, client):
        from django.contrib.staticfiles import finders

        path = finders.find("vendor/ncalayer/ncalayer-client.js")
        assert path and "node_modules/ncalayer-js-client" in str(path)
        assert finders.find("vendor/ncalayer/package.json") is None, "only the client file is served"


class IdentitiesPageTests:
    def test_an_administrator_records_a_users_iin_and_a_departments_bin(self, client, admin_user_portal, school_user,
                                                                       region_astana):
        client.force_login(admin_user_portal)
        assert school_user.username in client.get("/en/signatures/identities/").content.decode()
        iin, bin_ = next_iin(), next_bin(year=98, month=2)
        client.post(f"/en/signatures/identities/users/{school_user.pk}/", {"iin": iin})
        client.post("/en/signatures/identities/departments/71/", {"bin": bin_})
        assert User.objects.get(pk=school_user.pk).iin == iin
        assert Department.objects.get(region=region_astana).bin == bin_
        assert {"user_iin_set", "department_bin_set"} <= set(AuditEvent.objects.values_list("action", flat=True))

    def test_a_bad_iin_is_refused_with_a_message_and_changes_nothing(self, client, admin_user_portal, school_user):
        client.force_login(admin_user_portal)
        response = client.post(f"/en/signatures/identities/users/{school_user.pk}/", {"iin": "123456789012"}, follow=True)
        assert "check digit" in response.content.decode()
        assert User.objects.get(pk=school_user.pk).iin == ""

    def test_only_an_administrator_keeps_them(self, client, operator_user, school_user):
        client.force_login(operator_user)
        assert client.get("/en/signatures/identities/").status_code == 403
        assert client.post(f"/en/signatures/identities/users/{school_user.pk}/", {"iin": next_iin()}).status_code == 403
