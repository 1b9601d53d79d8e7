"""Issue a payload, sign it with the test PKI, post it: accepted and kept, or refused with its reason."""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal

import pytest
from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from asn1crypto import x509 as asn1_x509
from django.utils import timezone

from core.errors import DomainError, PermissionDeniedError
from core.models import AuditEvent
from signatures.models import RevocationData, Signature, SigningPayload
from signatures.services import signature_accept, signature_required, signing_payload_issue
from signatures.testing.pki import KZ_GOST_34310_SIGNATURE_OID
from tests.factories import next_bin
from tests.signatures.fixtures import sign

pytestmark = pytest.mark.django_db


def payload_b64(issued: SigningPayload) -> str:
    return base64.b64encode(bytes(issued.payload)).decode()


def refused(code: str, **call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        signature_accept(**call)
    assert caught.value.code == code, f"{caught.value.code}: {caught.value}"
    return caught.value


class PayloadTests:
    def test_payload_names_the_action_the_object_the_signer_the_facts_and_a_nonce(self, review, school_signer):
        issued = signing_payload_issue(obj=school_signer.school, action="partly-accept", actor=school_signer)
        fields = json.loads(bytes(issued.payload))
        assert fields["action"] == "partly-accept"
        assert (fields["from_status"], fields["to_status"]) == ("submitted", "partly_accepted")
        assert fields["amount"] == "1250000.00"
        assert fields["lines_sha256"] == "ab" * 32 and fields["document_sha256"] == "cd" * 32
        assert (fields["object_type"], fields["object_id"]) == ("schools.school", str(school_signer.school.pk))
        assert (fields["signer_role"], fields["signer_iin"], fields["signer_bin"]) == (
            "school", school_signer.iin, school_signer.school.bin)
        assert len(fields["nonce"]) >= 40
        assert issued.expires_at > timezone.now()

    def test_each_call_issues_a_fresh_nonce(self, review, school_signer):
        first = signing_payload_issue(obj=school_signer.school, action="accept", actor=school_signer)
        second = signing_payload_issue(obj=school_signer.school, action="accept", actor=school_signer)
        assert first.nonce != second.nonce and first.sha256 != second.sha256

    def test_an_action_that_is_not_signed_is_refused(self, review, school_signer):
        with pytest.raises(DomainError) as caught:
            signing_payload_issue(obj=school_signer.school, action="delete", actor=school_signer)
        assert caught.value.code == "not_signable"

    def test_a_monitor_gets_no_payload(self, review, school_a, monitor_user):
        with pytest.raises(PermissionDeniedError):
            signing_payload_issue(obj=school_a, action="accept", actor=monitor_user)

    def test_a_department_without_an_organisation_bin_gets_no_payload(self, review, school_a, department_user):
        with pytest.raises(DomainError) as caught:
            signing_payload_issue(obj=school_a, action="accept", actor=department_user)
        assert caught.value.code == "no_org_bin"


class AcceptedSignatureTests:
    def test_a_valid_signature_is_accepted_and_kept_with_its_certificate_and_report(self, review, pki, school_signer,
                                                                                   school_certificate):
        school = school_signer.school
        issued = signing_payload_issue(obj=school, action="accept", actor=school_signer)
        cms = sign(school_certificate, payload_b64(issued), pki=pki)
        signature = signature_accept(obj=school, action="accept", actor=school_signer, cms=cms)

        kept = Signature.objects.get(pk=signature.pk)
        assert bytes(kept.cms) == base64.b64decode(cms)  # byte for byte
        assert bytes(kept.payload) == bytes(issued.payload) and kept.payload_sha256 == issued.sha256
        assert (kept.cert_iin, kept.cert_bin) == (school_signer.iin, school.bin)
        assert kept.cert_serial == format(school_certificate.certificate.serial_number, "x")
        assert kept.cert_common_name == "ЖАНЫБЕКОВА АСЕЛЬ"
        assert (kept.action, kept.from_status, kept.to_status) == ("accept", "submitted", "accepted")
        assert (kept.school_id, kept.region_id, kept.signer_id) == (school.pk, school.region_id, school_signer.pk)
        assert kept.revocation == "ocsp"
        assert len(kept.report["chain"]) == 3
        assert kept.report["revocation"]["ocsp"], "the OCSP answer is kept for offline re-verification"
        assert RevocationData.objects.filter(sha256__in=kept.report["revocation"]["ocsp"], kind="ocsp").exists()
        assert not SigningPayload.objects.filter(nonce=issued.nonce).exists(), "the payload is used up"
        event = AuditEvent.objects.get(action="signature_accepted")
        assert event.data["signature"] == kept.pk and event.data["certificate_iin"] == school_signer.iin

    def test_a_department_signs_with_its_organisations_bin(self, review, pki, school_a, department_signer):
        from accounts.models import Department

        issued = signing_payload_issue(obj=school_a, action="partly-accept", actor=department_signer)
        certificate = pki.issue_signer(iin=department_signer.iin, bin=Department.objects.get().bin,
                                       organisation="АСТАНА ҚАЛАСЫНЫҢ БІЛІМ БАСҚАРМАСЫ")
        signature = signature_accept(obj=school_a, action="partly-accept", actor=department_signer,
                                     cms=sign(certificate, payload_b64(issued)))
        assert signature.to_status == "partly_accepted"

    def test_the_crl_is_used_when_the_ocsp_responder_is_down(self, review, pki, revocation_server, school_signer,
                                                             school_certificate):
        revocation_server.ocsp_down = True
        issued = signing_payload_issue(obj=school_signer.school, action="accept", actor=school_signer)
        signature = signature_accept(obj=school_signer.school, action="accept", actor=school_signer,
                                     cms=sign(school_certificate, payload_b64(issued)))
        assert signature.report["revocation"]["ocsp"] == []
        assert signature.report["revocation"]["crls"]

    def test_in_confirm_mode_no_signature_is_required(self, review, settings, school_signer):
        settings.SIGNATURE_MODE = "confirm"
        assert signature_required(obj=school_signer.school, action="accept", actor=school_signer, cms="") is None

    def test_in_cms_mode_the_cms_is_required(self, review, school_signer):
        with pytest.raises(DomainError) as caught:
            signature_required(obj=school_signer.school, action="accept", actor=school_signer, cms="")
        assert caught.value.code == "cms_required"


class RefusedSignatureTests:
    """Each refusal names its reason (a stable code and a translated message) and keeps nothing."""

    @pytest.fixture
    def school(self, school_signer):
        return school_signer.school

    @pytest.fixture
    def issued(self, review, school, school_signer):
        return signing_payload_issue(obj=school, action="accept", actor=school_signer)

    def accept(self, school, actor, cms, action="accept"):
        return {"obj": school, "action": action, "actor": actor, "cms": cms}

    def test_a_self_signed_certificate(self, pki, school, school_signer, issued):
        forged = pki.self_signed_signer(iin=school_signer.iin, bin=school.bin)
        refused("self_signed", **self.accept(school, school_signer, sign(forged, payload_b64(issued))))
        assert not Signature.objects.exists()

    def test_a_certificate_of_another_ca(self, school, school_signer, issued):
        from signatures.testing.pki import TestPKI

        other = TestPKI().issue_signer(iin=school_signer.iin, bin=school.bin)
        refused("untrusted_chain", **self.accept(school, school_signer, sign(other, payload_b64(issued))))

    def test_an_expired_certificate(self, pki, school, school_signer, issued):
        now = timezone.now()
        expired = pki.issue_signer(iin=school_signer.iin, bin=school.bin, not_before=now - dt.timedelta(days=400),
                                   not_after=now - dt.timedelta(days=1))
        error = refused("expired", **self.accept(school, school_signer, sign(expired, payload_b64(issued))))
        assert (now - dt.timedelta(days=1)).strftime("%Y-%m-%d") in str(error)

    def test_a_certificate_revoked_per_ocsp(self, pki, school, school_signer, issued):
        certificate = pki.issue_signer(iin=school_signer.iin, bin=school.bin)
        pki.revoke(certificate)
        before = pki.ocsp_requests
        refused("revoked", **self.accept(school, school_signer, sign(certificate, payload_b64(issued))))
        assert pki.ocsp_requests > before

    def test_a_certificate_revoked_per_crl(self, pki, settings, school, school_signer, issued):
        settings.SIGNATURE_REVOCATION = "crl"
        certificate = pki.issue_signer(iin=school_signer.iin, bin=school.bin, ocsp=False)
        pki.revoke(certificate)
        refused("revoked", **self.accept(school, school_signer, sign(certificate, payload_b64(issued))))

    def test_a_revoked_certificate_is_caught_by_the_crl_when_ocsp_is_down(self, pki, revocation_server, school,
                                                                          school_signer, issued):
        revocation_server.ocsp_down = True
        certificate = pki.issue_signer(iin=school_signer.iin, bin=school.bin)
        pki.revoke(certificate)
        refused("revoked", **self.accept(school, school_signer, sign(certificate, payload_b64(issued))))

    def test_revocation_off_does_not_ask(self, pki, settings, school, school_signer, issued):
        settings.SIGNATURE_REVOCATION = "off"
        certificate = pki.issue_signer(iin=school_signer.iin, bin=school.bin)
        pki.revoke(certificate)
        before = (pki.ocsp_requests, pki.crl_requests)
        signature = signature_accept(**self.accept(school, school_signer, sign(certificate, payload_b64(issued))))
        assert signature.revocation == "off" and (pki.ocsp_requests, pki.crl_requests) == before

    def test_another_bins_certificate(self, pki, school, school_signer, issued):
        other = pki.issue_signer(iin=school_signer.iin, bin=next_bin())
        error = refused("wrong_bin", **self.accept(school, school_signer, sign(other, payload_b64(issued))))
        assert school.bin in str(error)

    def test_a_personal_certificate_for_a_school_step(self, pki, school, school_signer, issued):
        personal = pki.issue_signer(iin=school_signer.iin)
        refused("not_legal_entity", **self.accept(school, school_signer, sign(personal, payload_b64(issued))))

    def test_another_persons_certificate(self, pki, school, school_signer, issued):
        from tests.factories import next_iin

        colleague = pki.issue_signer(iin=next_iin(), bin=school.bin)
        refused("wrong_iin", **self.accept(school, school_signer, sign(colleague, payload_b64(issued))))

    def test_a_signature_over_another_payload(self, school, school_signer, school_certificate, issued):
        fields = json.loads(bytes(issued.payload))
        fields["amount"] = "9999999.00"  # the same nonce, another amount
        from signatures.payloads import canonical_bytes

        forged = base64.b64encode(canonical_bytes(fields)).decode()
        refused("payload_mismatch", **self.accept(school, school_signer, sign(school_certificate, forged)))

    def test_a_signature_of_a_payload_for_another_document(self, review, school, school_signer, school_certificate):
        from tests.factories import make_school

        sibling = make_school(region=school.region)
        issued_elsewhere = signing_payload_issue(obj=sibling, action="accept", actor=school_signer)
        refused("payload_mismatch", **self.accept(school, school_signer, sign(school_certificate, payload_b64(issued_elsewhere))))

    def test_a_partly_accept_signature_replayed_as_accept(self, review, school, school_signer, school_certificate):
        partly = signing_payload_issue(obj=school, action="partly-accept", actor=school_signer)
        cms = sign(school_certificate, payload_b64(partly))
        error = refused("wrong_action", **self.accept(school, school_signer, cms, action="accept"))
        assert "partly-accept" in str(error)
        assert signature_accept(**self.accept(school, school_signer, cms, action="partly-accept")).to_status == "partly_accepted"

    def test_a_used_payload_cannot_serve_again(self, school, school_signer, school_certificate, issued):
        cms = sign(school_certificate, payload_b64(issued))
        signature_accept(**self.accept(school, school_signer, cms))
        refused("used_nonce", **self.accept(school, school_signer, cms))
        # signed again (a fresh signing time) over the same used payload: still refused
        refused("used_nonce", **self.accept(school, school_signer, sign(school_certificate, payload_b64(issued))))
        assert Signature.objects.count() == 1

    def test_a_payload_issued_to_another_user(self, review, school, school_signer, school_certificate):
        from tests.factories import make_user

        colleague = make_user("colleague", role="school", school=school)
        theirs = signing_payload_issue(obj=school, action="accept", actor=colleague)
        refused("payload_mismatch", **self.accept(school, school_signer, sign(school_certificate, payload_b64(theirs))))

    def test_a_payload_whose_document_changed_since(self, review, school, school_signer, school_certificate, issued):
        review.amount = Decimal("1300000.00")
        error = refused("stale_payload", **self.accept(school, school_signer, sign(school_certificate, payload_b64(issued))))
        assert "amount" in str(error)

    def test_an_expired_payload(self, school, school_signer, school_certificate, issued):
        SigningPayload.objects.filter(pk=issued.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        refused("expired_payload", **self.accept(school, school_signer, sign(school_certificate, payload_b64(issued))))

    def test_a_gost_certificate(self, pki, school, school_signer, school_certificate, issued):
        cms = base64.b64decode(sign(school_certificate, payload_b64(issued)))
        gost = asn1_x509.Certificate.load(pki.gost_signer_certificate(iin=school_signer.iin, bin=school.bin))
        info = asn1_cms.ContentInfo.load(cms)
        signed_data = info["content"]
        signed_data["certificates"] = [asn1_cms.CertificateChoices(name="certificate", value=gost)]
        signer_info = signed_data["signer_infos"][0]
        signer_info["sid"] = asn1_cms.SignerIdentifier(
            name="issuer_and_serial_number",
            value=asn1_cms.IssuerAndSerialNumber({"issuer": gost.issuer, "serial_number": gost.serial_number}),
        )
        signer_info["signature_algorithm"] = asn1_cms.SignedDigestAlgorithm({"algorithm": KZ_GOST_34310_SIGNATURE_OID})
        error = refused("gost_unsupported", **self.accept(school, school_signer, base64.b64encode(info.dump(force=True)).decode()))
        assert "1.2.398.3.10.1.1.1.1" in str(error)

    def test_a_non_rsa_key(self, pki, school, school_signer, issued):
        ec_certificate = pki.issue_signer(iin=school_signer.iin, bin=school.bin, key_type="ec")
        refused("not_rsa", **self.accept(school, school_signer, sign(ec_certificate, payload_b64(issued))))

    def test_a_certificate_not_meant_for_signing(self, pki, school, school_signer, issued):
        encryption_only = pki.issue_signer(iin=school_signer.iin, bin=school.bin, digital_signature=False,
                                           non_repudiation=False)
        refused("bad_key_usage", **self.accept(school, school_signer, sign(encryption_only, payload_b64(issued))))

    def test_content_altered_after_signing(self, school, school_signer, school_certificate, issued):
        info = asn1_cms.ContentInfo.load(base64.b64decode(sign(school_certificate, payload_b64(issued))))
        info["content"]["encap_content_info"]["content"] = asn1_core.OctetString(bytes(issued.payload).replace(b"1250000", b"1250001"))
        refused("payload_mismatch", **self.accept(school, school_signer, base64.b64encode(info.dump(force=True)).decode()))

    def test_a_detached_signature(self, school, school_signer, school_certificate, issued):
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.serialization import pkcs7

        detached = (pkcs7.PKCS7SignatureBuilder().set_data(bytes(issued.payload))
                    .add_signer(school_certificate.certificate, school_certificate.key, hashes.SHA256())
                    .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]))
        refused("detached_content", **self.accept(school, school_signer, base64.b64encode(detached).decode()))

    @pytest.mark.parametrize("cms", ["not base64!", base64.b64encode(b"\x30\x03\x02\x01\x01").decode()])
    def test_garbage(self, school, school_signer, issued, cms):
        refused("bad_cms", **self.accept(school, school_signer, cms))

    def test_no_trusted_roots(self, settings, tmp_path, school, school_signer, school_certificate, issued):
        settings.SIGNATURE_TRUST_DIR = tmp_path / "empty"
        refused("no_trust_roots", **self.accept(school, school_signer, sign(school_certificate, payload_b64(issued))))


class SigningTimeTests:
    def test_a_signing_time_after_now_is_refused(self, review, monkeypatch, settings, school_signer, school_certificate):
        from signatures import services

        settings.SIGNATURE_PAYLOAD_TTL = 7200
        issued = signing_payload_issue(obj=school_signer.school, action="accept", actor=school_signer)
        cms = sign(school_certificate, payload_b64(issued))
        earlier = timezone.now() - dt.timedelta(hours=1)
        monkeypatch.setattr(services.timezone, "now", lambda: earlier)  # the server's clock says the signature is from the future
        refused("signing_time", obj=school_signer.school, action="accept", actor=school_signer, cms=cms)


class KeyMismatchTests:
    def test_a_signature_made_with_another_key_than_the_certificates(self, review, pki, school_signer, school_certificate):
        from cryptography.hazmat.primitives.asymmetric import rsa

        from signatures.testing.pki import Issued

        issued = signing_payload_issue(obj=school_signer.school, action="accept", actor=school_signer)
        stolen_certificate = Issued(school_certificate.certificate, rsa.generate_private_key(public_exponent=65537, key_size=2048))
        try:
            cms = sign(stolen_certificate, payload_b64(issued))
        except ValueError:
            pytest.skip("cryptography refuses to sign with a key that does not match the certificate")
        refused("bad_signature", obj=school_signer.school, action="accept", actor=school_signer, cms=cms)


class SignatureRowsTests:
    def test_the_pdf_rows_name_the_signer_the_certificate_serial_and_the_time(self, review, school_signer, school_certificate):
        from signatures.pdf import signature_rows

        issued = signing_payload_issue(obj=school_signer.school, action="accept", actor=school_signer)
        signature = signature_accept(obj=school_signer.school, action="accept", actor=school_signer,
                                     cms=sign(school_certificate, payload_b64(issued)))
        [(party, text)] = signature_rows(school_signer.school)
        assert "accept" in party
        assert signature.cert_serial in text and school_signer.iin in text and "ЖАНЫБЕКОВА АСЕЛЬ" in text
        assert timezone.localtime(signature.signing_time).strftime("%d.%m.%Y %H:%M") in text
