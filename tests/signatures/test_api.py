"""The signatures API: the signing-payload endpoint of a signed resource, inspection, scoped downloads."""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
import zipfile

import pytest
from rest_framework import viewsets
from rest_framework.test import APIRequestFactory, force_authenticate

from schools.models import School
from signatures.api.mixins import SigningPayloadMixin
from signatures.services import signature_accept, signing_payload_issue
from tests.signatures.fixtures import sign

pytestmark = pytest.mark.django_db


class SchoolReviewViewSet(SigningPayloadMixin, viewsets.ReadOnlyModelViewSet):
    """A stand-in for a phase-2 viewset: scoped get_object() plus the mixin."""

    write_roles = {"school", "department"}

    def get_queryset(self):
        return School.objects.visible_to(self.request.user)


def payload_view(user, pk, action):
    request = APIRequestFactory().get(f"/api/v1/schools/{pk}/signing-payload/", {"action": action})
    force_authenticate(request, user)
    return SchoolReviewViewSet.as_view({"get": "signing_payload"})(request, pk=pk)


@pytest.fixture
def kept(review, pki, school_signer, school_certificate):
    school = school_signer.school
    issued = signing_payload_issue(obj=school, action="accept", actor=school_signer)
    cms = sign(school_certificate, base64.b64encode(bytes(issued.payload)).decode(), pki=pki)
    return signature_accept(obj=school, action="accept", actor=school_signer, cms=cms)


class SigningPayloadEndpointTests:
    def test_answers_the_exact_bytes_in_base64_with_their_sha256(self, review, school_signer):
        import hashlib

        response = payload_view(school_signer, school_signer.school.pk, "partly-accept")
        assert response.status_code == 200, response.data
        payload = base64.b64decode(response.data["payload"])
        assert hashlib.sha256(payload).hexdigest() == response.data["sha256"]
        assert json.loads(payload)["to_status"] == "partly_accepted"
        assert response.data["action"] == "partly-accept"

    def test_a_signature_of_that_payload_is_accepted(self, review, pki, school_signer, school_certificate):
        response = payload_view(school_signer, school_signer.school.pk, "accept")
        signature = signature_accept(obj=school_signer.school, action="accept", actor=school_signer,
                                     cms=sign(school_certificate, response.data["payload"]))
        assert signature.payload_sha256 == response.data["sha256"]

    def test_another_schools_object_is_not_found(self, review, school_signer, school_b):
        assert payload_view(school_signer, school_b.pk, "accept").status_code == 404

    def test_an_unknown_action_is_refused_with_its_code(self, review, school_signer):
        response = payload_view(school_signer, school_signer.school.pk, "teleport")
        assert response.status_code == 400
        assert response.data["error"]["code"] == "not_signable"
        assert response.data["error"]["fields"] == {"action": [response.data["error"]["message"]]}


class InspectTests:
    def test_names_the_certificates_owner_and_accepts_without_using_the_payload(self, client, review, pki, school_signer,
                                                                                school_certificate):
        client.force_login(school_signer)
        payload = client.get("/api/v1/signatures/check-payload/").json()
        cms = sign(school_certificate, payload["payload"], pki=pki)
        answer = client.post("/api/v1/signatures/inspect/", {"cms": cms}, content_type="application/json").json()
        assert answer["accepted"] is True and answer["refusal"] is None
        assert answer["certificate"]["common_name"] == "ЖАНЫБЕКОВА АСЕЛЬ"
        assert (answer["certificate"]["iin"], answer["certificate"]["bin"]) == (school_signer.iin, school_signer.school.bin)
        assert answer["action"] == "check-signature"
        again = client.post("/api/v1/signatures/inspect/", {"cms": cms}, content_type="application/json").json()
        assert again["accepted"] is True, "inspection stores and consumes nothing"

    def test_names_the_refusal_with_its_code_and_translated_message(self, client, review, pki, school_signer):
        from tests.factories import next_bin

        client.force_login(school_signer)
        payload = client.get("/api/v1/signatures/check-payload/").json()
        other = pki.issue_signer(iin=school_signer.iin, bin=next_bin())
        answer = client.post("/api/v1/signatures/inspect/", {"cms": sign(other, payload["payload"])},
                             content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru").json()
        assert answer["accepted"] is False
        assert answer["refusal"]["code"] == "wrong_bin"
        assert "БИН" in answer["refusal"]["message"]
        assert answer["certificate"]["bin"] != school_signer.school.bin

    def test_a_monitor_may_not_inspect(self, client, monitor_user):
        client.force_login(monitor_user)
        assert client.post("/api/v1/signatures/inspect/", {"cms": "AA=="}, content_type="application/json").status_code == 403
        assert client.get("/api/v1/signatures/check-payload/").status_code == 403


class DownloadTests:
    def test_a_monitor_downloads_the_cms_and_the_payload_byte_for_byte(self, client, kept, monitor_user):
        client.force_login(monitor_user)
        listed = client.get("/api/v1/signatures/").json()
        assert [row["id"] for row in listed["results"]] == [kept.pk]
        cms = client.get(f"/api/v1/signatures/{kept.pk}/cms/")
        assert cms.status_code == 200 and cms.content == bytes(kept.cms)
        assert cms["Content-Disposition"] == f'attachment; filename="signature-{kept.pk}.cms"'
        payload = client.get(f"/api/v1/signatures/{kept.pk}/payload/")
        assert payload.content == bytes(kept.payload) and payload["X-Content-SHA256"] == kept.payload_sha256
        detail = client.get(f"/api/v1/signatures/{kept.pk}/").json()
        assert detail["cert_serial"] == kept.cert_serial and detail["report"]["chain"]

    def test_another_school_and_another_region_see_nothing(self, client, kept, other_school_user, other_department_user):
        for user in (other_school_user, other_department_user):
            client.force_login(user)
            assert client.get("/api/v1/signatures/").json()["results"] == []
            assert client.get(f"/api/v1/signatures/{kept.pk}/cms/").status_code == 404
            assert client.get(f"/api/v1/signatures/{kept.pk}/bundle/").status_code == 404

    def test_the_schools_department_sees_its_regions_signatures(self, client, kept, department_user):
        client.force_login(department_user)
        assert client.get(f"/api/v1/signatures/{kept.pk}/payload/").status_code == 200

    @pytest.mark.skipif(not shutil.which("openssl"), reason="openssl not installed")
    def test_the_bundle_verifies_with_openssl_as_its_instructions_say(self, client, kept, monitor_user, tmp_path):
        client.force_login(monitor_user)
        bundle = client.get(f"/api/v1/signatures/{kept.pk}/bundle/")
        assert bundle.status_code == 200
        with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
            archive.extractall(tmp_path)
            names = set(archive.namelist())
        stem = f"signature-{kept.pk}"
        assert {f"{stem}.cms", f"{stem}-payload.json", f"{stem}-chain.pem", f"{stem}-signer.pem", "VERIFY.txt"} <= names
        assert any(name.startswith("revocation/") and name.endswith(".ocsp") for name in names)
        attime = str(int(kept.signing_time.timestamp()))
        result = subprocess.run(
            ["openssl", "cms", "-verify", "-inform", "DER", "-in", f"{stem}.cms", "-CAfile", f"{stem}-chain.pem",
             "-purpose", "any", "-attime", attime, "-out", "content.json"],
            cwd=tmp_path, capture_output=True, text=True,
        )
        assert result.returncode == 0, result.stderr
        assert "Verification successful" in result.stderr
        assert (tmp_path / "content.json").read_bytes() == (tmp_path / f"{stem}-payload.json").read_bytes()
        assert f"-attime {attime}" in (tmp_path / "VERIFY.txt").read_text()
