"""Contract signing with a qualified signature (SIGNATURE_MODE=cms, the test PKI): the school, then the department.

A valid signature of the "sign" payload moves the contract and is kept with it; a signature over
another contract's payload, one made by the other party, or another organisation's certificate is
refused with its translated reason, and nothing changes.
"""

from __future__ import annotations

import base64
import json

import pytest

from accounts.models import Department
from core.models import AuditEvent
from orders.choices import ContractStatus
from orders.services import application_approve
from signatures.models import Signature
from tests.factories import next_bin
from tests.orders.factories import make_application, make_order
from tests.signatures.fixtures import sign
from tests.signatures.steps import assert_refused, fetch_payload, nothing_changes, signatures_of, signed_payload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cms_mode")]


@pytest.fixture
def order(department_signer):
    return make_order(actor=department_signer, levels={"primary": (100, "61234.57"), "basic": (50, "70000.00")})


@pytest.fixture
def draft_contract(order, department_signer, school_signer):
    application = make_application(order=order, actor=school_signer, places={"primary": 12, "basic": 3})
    return application_approve(application=application, actor=department_signer).contract


@pytest.fixture
def department_certificate(pki, department_signer):
    return pki.issue_signer(iin=department_signer.iin, bin=Department.objects.get(region=department_signer.region).bin,
                            organisation="АСТАНА ҚАЛАСЫНЫҢ БІЛІМ БАСҚАРМАСЫ")


def url(contract) -> str:
    return f"/api/v1/contracts/{contract.pk}/signing-payload/"


def sign_contract(client, contract, certificate, pki=None):
    cms = signed_payload(client, url(contract), "sign", certificate, pki=pki)
    return client.post(f"/api/v1/contracts/{contract.pk}/sign/", {"cms": cms}, format="json")


class ContractSignatureTests:
    def test_the_school_then_the_department_sign_and_the_contract_is_active(
            self, api_as, pki, draft_contract, school_signer, school_certificate, department_signer, department_certificate):
        first = sign_contract(api_as(school_signer), draft_contract, school_certificate, pki=pki)
        assert first.status_code == 200, first.json()
        assert first.json()["status"] == ContractStatus.SIGNED_BY_SCHOOL
        second = sign_contract(api_as(department_signer), draft_contract, department_certificate)
        assert second.status_code == 200, second.json()
        assert second.json()["status"] == ContractStatus.ACTIVE

        kept = list(signatures_of(draft_contract).order_by("signing_time", "id"))
        assert [(s.signer_role, s.from_status, s.to_status) for s in kept] == [
            ("school", "draft", "signed_by_school"), ("department", "signed_by_school", "active")]
        fields = json.loads(bytes(kept[0].payload))
        assert fields["document_sha256"] == draft_contract.document.sha256
        assert fields["amount"] == f"{draft_contract.total_amount:.2f}"
        parties = list(draft_contract.signatures.order_by("signed_at").values_list("party", "signer_name"))
        assert parties == [("school", kept[0].cert_common_name), ("department", kept[1].cert_common_name)]
        event = AuditEvent.objects.get(action="contract_signed_by_school", object_id=str(draft_contract.pk))
        assert event.data["signature"] == kept[0].pk

    def test_a_signature_over_another_payload_is_refused(self, api_as, pki, draft_contract, school_signer,
                                                         school_certificate):
        client = api_as(school_signer)
        fields = json.loads(base64.b64decode(fetch_payload(client, url(draft_contract), "sign")))
        fields["amount"] = "1.00"  # the issued payload's nonce, other bytes
        forged = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        cms = sign(school_certificate, base64.b64encode(forged).decode(), pki=pki)
        with nothing_changes(draft_contract):
            response = client.post(f"/api/v1/contracts/{draft_contract.pk}/sign/", {"cms": cms}, format="json")
        assert_refused(response, "payload_mismatch")

    def test_the_schools_signature_cannot_be_replayed_by_the_department(
            self, api_as, pki, draft_contract, school_signer, school_certificate, department_signer):
        cms = signed_payload(api_as(school_signer), url(draft_contract), "sign", school_certificate, pki=pki)
        with nothing_changes(draft_contract):
            response = api_as(department_signer).post(f"/api/v1/contracts/{draft_contract.pk}/sign/", {"cms": cms},
                                                      format="json")
        assert response.status_code in (400, 403, 409)
        assert not Signature.objects.exists()

    def test_another_schools_certificate_is_refused(self, api_as, pki, draft_contract, school_signer):
        stranger = pki.issue_signer(iin=school_signer.iin, bin=next_bin())
        with nothing_changes(draft_contract):
            assert_refused(sign_contract(api_as(school_signer), draft_contract, stranger, pki=pki), "wrong_bin")
        assert not draft_contract.signatures.exists()

    def test_a_wrong_document_hash_beside_the_signature_is_refused(self, api_as, pki, draft_contract, school_signer,
                                                                    school_certificate):
        client = api_as(school_signer)
        cms = signed_payload(client, url(draft_contract), "sign", school_certificate, pki=pki)
        with nothing_changes(draft_contract):
            response = client.post(f"/api/v1/contracts/{draft_contract.pk}/sign/",
                                   {"cms": cms, "document_sha256": "0" * 64}, format="json")
        assert response.status_code == 409 and response.json()["error"]["code"] == "document_mismatch"

    def test_without_a_signature_or_a_hash_the_request_is_refused(self, api_as, draft_contract, school_signer):
        with nothing_changes(draft_contract):
            response = api_as(school_signer).post(f"/api/v1/contracts/{draft_contract.pk}/sign/", {}, format="json")
        assert response.status_code == 400

    def test_a_confirmation_alone_is_not_a_signature_in_cms_mode(self, api_as, draft_contract, school_signer):
        with nothing_changes(draft_contract):
            response = api_as(school_signer).post(f"/api/v1/contracts/{draft_contract.pk}/sign/",
                                                  {"document_sha256": draft_contract.document.sha256}, format="json")
        assert_refused(response, "cms_required")
