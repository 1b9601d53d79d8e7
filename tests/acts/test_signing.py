"""Act submission and review signed with a qualified signature (SIGNATURE_MODE=cms, the test PKI).

Each step: a valid signature of that step's payload moves the act and is kept, linked to the act; a
signature over another payload, a signature for another step (the next status differs) or another
organisation's certificate is refused with its translated reason, and nothing changes.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from accounts.models import Department
from acts.choices import ActStatus, LineDecision, LineRejectReason
from acts.services import act_build, act_lines_decide, act_submit
from acts.signing import act_decisions_digest, act_lines_digest
from core.models import AuditEvent
from signatures.models import Signature
from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_enrolment
from tests.acts.helpers import inspect_sample
from tests.factories import next_bin
from tests.signatures.steps import assert_refused, fetch_payload, nothing_changes, signatures_of, signed_payload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cms_mode")]


def payload_url(act) -> str:
    return f"/api/v1/acts/{act.pk}/signing-payload/"


@pytest.fixture
def draft(contract, school_a, school_signer):
    for grade in (1, 2, 3):
        make_enrolment(school=school_a, grade=grade)
    return act_build(contract=contract, month=OCTOBER, actor=school_signer, today=TODAY)


@pytest.fixture
def submitted(draft, settings, school_signer):
    settings.SIGNATURE_MODE = "confirm"  # the submission is not what these tests sign
    act = act_submit(act=draft, actor=school_signer, today=TODAY)
    settings.SIGNATURE_MODE = "cms"
    return act


@pytest.fixture
def department_certificate(pki, department_signer):
    return pki.issue_signer(iin=department_signer.iin, bin=Department.objects.get(region=department_signer.region).bin,
                            organisation="АСТАНА ҚАЛАСЫНЫҢ БІЛІМ БАСҚАРМАСЫ")


def reviewed(act, department_signer, *, reject: int = 0):
    """Decide every line (the first ``reject`` rejected) and inspect the sample: ready to accept."""
    lines = list(act.lines.filter(version=act.version).order_by("enrolment_id").values_list("pk", flat=True))
    for line in lines[:reject]:
        act_lines_decide(act=act, actor=department_signer, decision=LineDecision.REJECTED, lines=[line],
                         reason=LineRejectReason.NOT_TAUGHT)
    act_lines_decide(act=act, actor=department_signer, decision=LineDecision.ACCEPTED, selection="pending_payable")
    inspect_sample(act=act, department_user=department_signer)
    return act


class ActSubmissionSignatureTests:
    def test_a_valid_signature_submits_the_act_and_is_kept_with_it(self, api_as, pki, draft, school_signer,
                                                                  school_certificate):
        client = api_as(school_signer)
        payload = json.loads(base64.b64decode(fetch_payload(client, payload_url(draft), "submit")))
        count, total, sha256 = act_lines_digest(draft)
        assert (payload["from_status"], payload["to_status"]) == ("draft", "submitted")
        assert (payload["amount"], payload["lines_sha256"]) == (f"{total:.2f}", sha256) and count == 3

        cms = signed_payload(client, payload_url(draft), "submit", school_certificate, pki=pki)
        response = client.post(f"/api/v1/acts/{draft.pk}/submit/", {"cms": cms}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == ActStatus.SUBMITTED
        signature = signatures_of(draft).get()
        assert (signature.action, signature.from_status, signature.to_status) == ("submit", "draft", "submitted")
        assert signature.cert_bin == draft.school.bin and signature.cert_iin == school_signer.iin
        assert draft.submissions.get().lines_sha256 == json.loads(bytes(signature.payload))["lines_sha256"]
        event = AuditEvent.objects.get(action="act_submitted", object_id=str(draft.pk))
        assert event.data["signature"] == signature.pk

    def test_without_a_signature_nothing_is_submitted(self, api_as, draft, school_signer):
        with nothing_changes(draft):
            assert_refused(api_as(school_signer).post(f"/api/v1/acts/{draft.pk}/submit/", {}, format="json"),
                           "cms_required")

    def test_a_signature_over_another_acts_payload_is_refused(self, api_as, pki, draft, school_signer,
                                                             school_certificate):
        other = act_build(contract=draft.contract, month=dt.date(2025, 9, 1), actor=school_signer, today=TODAY)
        client = api_as(school_signer)
        cms = signed_payload(client, payload_url(other), "submit", school_certificate, pki=pki)
        with nothing_changes(draft), nothing_changes(other):
            assert_refused(client.post(f"/api/v1/acts/{draft.pk}/submit/", {"cms": cms}, format="json"),
                           "payload_mismatch")

    def test_another_schools_certificate_is_refused(self, api_as, pki, draft, school_signer):
        stranger = pki.issue_signer(iin=school_signer.iin, bin=next_bin())
        client = api_as(school_signer)
        cms = signed_payload(client, payload_url(draft), "submit", stranger, pki=pki)
        with nothing_changes(draft):
            assert_refused(client.post(f"/api/v1/acts/{draft.pk}/submit/", {"cms": cms}, format="json"), "wrong_bin")

    def test_lines_changed_after_the_payload_was_issued_make_it_stale(self, api_as, pki, draft, school_a, school_signer,
                                                                       school_certificate):
        client = api_as(school_signer)
        cms = signed_payload(client, payload_url(draft), "submit", school_certificate, pki=pki)
        make_enrolment(school=school_a, grade=4)
        from acts.services import act_rebuild

        act_rebuild(act=draft, actor=school_signer)
        with nothing_changes(draft):
            assert_refused(client.post(f"/api/v1/acts/{draft.pk}/submit/", {"cms": cms}, format="json"),
                           "stale_payload")


class ActReviewSignatureTests:
    def test_a_valid_signature_accepts_the_act(self, api_as, pki, submitted, department_signer, department_certificate):
        act = reviewed(submitted, department_signer)
        client = api_as(department_signer)
        cms = signed_payload(client, payload_url(act), "accept", department_certificate)
        response = client.post(f"/api/v1/acts/{act.pk}/accept/", {"cms": cms}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == ActStatus.ACCEPTED
        signature = signatures_of(act).get()
        amount, sha256 = act_decisions_digest(act)
        fields = json.loads(bytes(signature.payload))
        assert (fields["to_status"], fields["amount"], fields["lines_sha256"]) == ("accepted", f"{amount:.2f}", sha256)
        assert fields["document_sha256"] == act.submissions.get().lines_sha256
        assert AuditEvent.objects.get(action="act_accepted", object_id=str(act.pk)).data["signature"] == signature.pk

    def test_a_valid_signature_accepts_the_act_partly(self, api_as, submitted, department_signer, department_certificate):
        act = reviewed(submitted, department_signer, reject=1)
        client = api_as(department_signer)
        cms = signed_payload(client, payload_url(act), "partly-accept", department_certificate)
        response = client.post(f"/api/v1/acts/{act.pk}/partly-accept/", {"cms": cms}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == ActStatus.PARTLY_ACCEPTED
        assert signatures_of(act).get().to_status == "partly_accepted"

    def test_a_partly_accept_signature_replayed_as_accept_is_refused(self, api_as, submitted, department_signer,
                                                                     department_certificate):
        act = reviewed(submitted, department_signer)
        client = api_as(department_signer)
        cms = signed_payload(client, payload_url(act), "partly-accept", department_certificate)
        with nothing_changes(act):
            assert_refused(client.post(f"/api/v1/acts/{act.pk}/accept/", {"cms": cms}, format="json"), "wrong_action")

    def test_an_accept_signature_replayed_as_partly_accept_is_refused(self, api_as, submitted, department_signer,
                                                                      department_certificate):
        act = reviewed(submitted, department_signer, reject=1)
        client = api_as(department_signer)
        cms = signed_payload(client, payload_url(act), "accept", department_certificate)
        with nothing_changes(act):
            assert_refused(client.post(f"/api/v1/acts/{act.pk}/partly-accept/", {"cms": cms}, format="json"),
                           "wrong_action")

    def test_another_organisations_certificate_is_refused(self, api_as, pki, submitted, department_signer):
        act = reviewed(submitted, department_signer)
        stranger = pki.issue_signer(iin=department_signer.iin, bin=next_bin(), organisation="БАСҚА ҰЙЫМ")
        client = api_as(department_signer)
        cms = signed_payload(client, payload_url(act), "accept", stranger)
        with nothing_changes(act):
            assert_refused(client.post(f"/api/v1/acts/{act.pk}/accept/", {"cms": cms}, format="json"), "wrong_bin")

    def test_a_decision_changed_after_signing_makes_the_signature_stale(self, api_as, submitted, department_signer,
                                                                         department_certificate):
        act = reviewed(submitted, department_signer, reject=1)
        client = api_as(department_signer)
        cms = signed_payload(client, payload_url(act), "partly-accept", department_certificate)
        second = act.lines.filter(version=act.version, decision=LineDecision.ACCEPTED).values_list("pk", flat=True)[0]
        act_lines_decide(act=act, actor=department_signer, decision=LineDecision.REJECTED, lines=[second],
                         reason=LineRejectReason.NOT_TAUGHT)
        with nothing_changes(act):
            assert_refused(client.post(f"/api/v1/acts/{act.pk}/partly-accept/", {"cms": cms}, format="json"),
                           "stale_payload")
        assert not Signature.objects.exists()

    def test_a_school_gets_no_payload_to_accept_its_own_act(self, api_as, submitted, school_signer):
        response = api_as(school_signer).get(payload_url(submitted), {"action": "accept"})
        assert response.status_code == 403


class ConfirmModeTests:
    def test_in_confirm_mode_the_act_is_submitted_without_a_signature(self, api_as, settings, draft, school_signer):
        settings.SIGNATURE_MODE = "confirm"
        response = api_as(school_signer).post(f"/api/v1/acts/{draft.pk}/submit/", {}, format="json")
        assert response.status_code == 200 and response.json()["status"] == ActStatus.SUBMITTED
        assert not Signature.objects.exists()

