"""Payment steps signed with a qualified signature (SIGNATURE_MODE=cms, the test PKI): the operator who
prepares signs "prepare-payment" of the act, the second operator signs "approve" of the payment.

A valid signature takes the step and is kept; a signature over another payload, one made for another
step, or a certificate of another organisation is refused with its translated reason, and nothing changes.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest

from core.models import AuditEvent
from payments.choices import PaymentStatus
from payments.models import Payment
from payments.services import payment_prepare
from payments.signing import payee_sha256
from signatures.models import Signature
from tests.acts.conftest import OCTOBER
from tests.acts.factories import make_enrolment
from tests.acts.helpers import accepted_act
from tests.factories import next_bin, next_iin
from tests.signatures.steps import assert_refused, fetch_payload, nothing_changes, signatures_of, signed_payload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cms_mode")]


@pytest.fixture
def act(settings, contract, school_a, school_user, department_user):
    settings.SIGNATURE_MODE = "confirm"  # the act's own steps are not what these tests sign
    enrolments = [make_enrolment(school=school_a, grade=g) for g in (1, 2, 7)]
    act = accepted_act(contract=contract, month=OCTOBER, school_user=school_user, department_user=department_user,
                       reject_enrolments=enrolments[:1])
    settings.SIGNATURE_MODE = "cms"
    return act


@pytest.fixture
def operator_certificate(pki, operator_user):
    return pki.issue_signer(iin=next_iin(), surname="ОПЕРАТОРОВ", first_name="БЕРІК")


@pytest.fixture
def approver_certificate(pki, second_operator_user):
    return pki.issue_signer(iin=next_iin(), surname="ЕКІНШІ", first_name="ДӘУРЕН")


def act_url(act) -> str:
    return f"/api/v1/acts/{act.pk}/signing-payload/"


def prepare(client, act, cms):
    return client.post("/api/v1/payments/", {"act": act.pk, "cms": cms}, format="json")


@pytest.fixture
def prepared(settings, act, operator_user):
    settings.SIGNATURE_MODE = "confirm"
    payment = payment_prepare(act=act, actor=operator_user)
    settings.SIGNATURE_MODE = "cms"
    return payment


class PreparePaymentSignatureTests:
    def test_a_valid_signature_prepares_the_payment_and_is_kept_with_the_act(self, api_as, act, operator_user,
                                                                             operator_certificate):
        client = api_as(operator_user)
        fields = json.loads(base64.b64decode(fetch_payload(client, act_url(act), "prepare-payment")))
        assert (fields["from_status"], fields["to_status"], fields["amount"]) == ("", "prepared", f"{act.accepted_amount:.2f}")
        response = prepare(client, act, signed_payload(client, act_url(act), "prepare-payment", operator_certificate))
        assert response.status_code == 201, response.json()
        payment = Payment.objects.get(act=act)
        assert payment.status == PaymentStatus.PREPARED
        signature = signatures_of(act).get(action="prepare-payment")
        assert json.loads(bytes(signature.payload))["document_sha256"] == payee_sha256(
            payee_bin=payment.payee_bin, payee_iban=payment.payee_iban, payee_name=payment.payee_name,
            purpose=payment.purpose)
        assert AuditEvent.objects.get(action="payment_prepared", object_id=str(payment.pk)).data["signature"] == signature.pk

    def test_without_a_signature_no_payment_is_prepared(self, api_as, act, operator_user):
        with nothing_changes(act):
            assert_refused(prepare(api_as(operator_user), act, ""), "cms_required")
        assert not Payment.objects.exists()

    def test_an_approve_signature_cannot_prepare_a_payment(self, api_as, settings, act, operator_user,
                                                            second_operator_user, approver_certificate, prepared):
        client = api_as(second_operator_user)
        cms = signed_payload(client, f"/api/v1/payments/{prepared.pk}/signing-payload/", "approve", approver_certificate)
        Payment.objects.filter(pk=prepared.pk).update(status=PaymentStatus.CANCELLED)
        with nothing_changes(act):  # the act may get a payment again, but not with an approval signed for another step
            assert_refused(prepare(client, act, cms), "payload_mismatch")
        assert Payment.objects.filter(act=act).count() == 1

    def test_another_organisations_certificate_is_refused(self, api_as, pki, settings, act, operator_user):
        settings.SIGNATURE_OPERATOR_BIN = next_bin(year=99)
        stranger = pki.issue_signer(iin=next_iin(), bin=next_bin(), organisation="БАСҚА ҰЙЫМ")
        client = api_as(operator_user)
        cms = signed_payload(client, act_url(act), "prepare-payment", stranger)
        with nothing_changes(act):
            assert_refused(prepare(client, act, cms), "wrong_bin")
        assert not Payment.objects.exists()


class ApprovePaymentSignatureTests:
    def test_a_valid_signature_of_the_second_operator_approves(self, api_as, prepared, second_operator_user,
                                                              approver_certificate):
        client = api_as(second_operator_user)
        url = f"/api/v1/payments/{prepared.pk}/signing-payload/"
        fields = json.loads(base64.b64decode(fetch_payload(client, url, "approve")))
        assert (fields["from_status"], fields["to_status"]) == ("prepared", "approved")
        assert Decimal(fields["amount"]) == prepared.amount
        response = client.post(f"/api/v1/payments/{prepared.pk}/approve/",
                               {"cms": signed_payload(client, url, "approve", approver_certificate)}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == PaymentStatus.APPROVED
        signature = signatures_of(prepared).get()
        assert (signature.signer, signature.to_status) == (second_operator_user, "approved")

    def test_the_preparer_gets_no_payload_to_approve(self, api_as, prepared, operator_user):
        response = api_as(operator_user).get(f"/api/v1/payments/{prepared.pk}/signing-payload/", {"action": "approve"})
        assert response.status_code == 403

    def test_a_prepare_signature_replayed_as_approval_is_refused(self, api_as, act, prepared, second_operator_user,
                                                                 approver_certificate):
        Payment.objects.filter(pk=prepared.pk).update(status=PaymentStatus.CANCELLED)
        client = api_as(second_operator_user)
        cms = signed_payload(client, act_url(act), "prepare-payment", approver_certificate)
        Payment.objects.filter(pk=prepared.pk).update(status=PaymentStatus.PREPARED)
        with nothing_changes(prepared):
            assert_refused(client.post(f"/api/v1/payments/{prepared.pk}/approve/", {"cms": cms}, format="json"),
                           "payload_mismatch")
        assert not Signature.objects.exists()

    def test_a_payee_changed_after_signing_makes_the_signature_stale(self, api_as, prepared, second_operator_user,
                                                                      approver_certificate):
        client = api_as(second_operator_user)
        url = f"/api/v1/payments/{prepared.pk}/signing-payload/"
        cms = signed_payload(client, url, "approve", approver_certificate)
        Payment.objects.filter(pk=prepared.pk).update(payee_iban="KZ000000000000000000")
        with nothing_changes(prepared):
            assert_refused(client.post(f"/api/v1/payments/{prepared.pk}/approve/", {"cms": cms}, format="json"),
                           "stale_payload")
