"""Fixtures of signature tests (a pytest plugin, see tests/conftest.py): a test PKI (root, intermediate,
OCSP responder) with its OCSP responder and CRLs on loopback, cms mode against its trust directory,
and a signable action to sign: "accept" and "partly-accept" of a school, as an act's review will be."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest

from signatures.registry import SigningFacts, register_signable, unregister_signable
from signatures.testing.pki import TestPKI, sign_cms
from signatures.testing.revocation_server import RevocationServer
from tests.factories import next_bin, next_iin


@pytest.fixture(scope="session")
def revocation_server():
    server = RevocationServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pki(revocation_server):
    pki = TestPKI(base_url=revocation_server.url)
    revocation_server.pki = pki
    return pki


@pytest.fixture
def cms_mode(pki, revocation_server, tmp_path, settings):
    """cms mode against the test PKI's trust directory, OCSP answering."""
    revocation_server.ocsp_down = False
    settings.SIGNATURE_MODE = "cms"
    settings.SIGNATURE_REVOCATION = "ocsp"
    settings.SIGNATURE_TRUST_DIR = pki.write_trust_dir(tmp_path / "trust")
    settings.SIGNATURE_OPERATOR_BIN = ""
    return settings


class Review:
    """The facts of a review the tests can change: status, amount, lines."""

    def __init__(self):
        self.status = "submitted"
        self.amount = Decimal("1250000.00")
        self.lines_sha256 = "ab" * 32
        self.document_sha256 = "cd" * 32

    def provider(self, to_status: str):
        def facts(school, actor) -> SigningFacts:
            return SigningFacts(from_status=self.status, to_status=to_status, reference=f"act 2025-11 of {school.bin}",
                                document_sha256=self.document_sha256, amount=self.amount, lines_sha256=self.lines_sha256,
                                school_id=school.pk, region_id=school.region_id)

        return facts


@pytest.fixture
def review():
    from schools.models import School

    review = Review()
    register_signable(School, "accept", review.provider("accepted"))
    register_signable(School, "partly-accept", review.provider("partly_accepted"))
    yield review
    unregister_signable(School, "accept")
    unregister_signable(School, "partly-accept")


@pytest.fixture
def signer_iin():
    return next_iin()


@pytest.fixture
def school_signer(db, school_user, signer_iin):
    """The school user, with an IIN on record."""
    school_user.iin = signer_iin
    school_user.save(update_fields=["iin"])
    return school_user


@pytest.fixture
def school_certificate(pki, school_signer):
    return pki.issue_signer(iin=school_signer.iin, bin=school_signer.school.bin)


@pytest.fixture
def department_signer(db, department_user):
    from accounts.models import Department

    Department.objects.create(region=department_user.region, bin=next_bin(year=98, month=1))
    department_user.iin = next_iin()
    department_user.save(update_fields=["iin"])
    return department_user


def sign(certificate, payload_b64: str, *, pki=None) -> str:
    """What NCALayer answers: the base64 CMS over the payload's bytes (attached)."""
    extra = [pki.intermediate.certificate] if pki else []
    return base64.b64encode(sign_cms(certificate, base64.b64decode(payload_b64), extra_certificates=extra)).decode()
