"""The CMS checks meet broken input with a refusal, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from signatures import cms as cms_checks
from signatures.testing.pki import TestPKI, sign_cms

_pki = TestPKI()
_signer = _pki.issue_signer(iin="900101300123", bin="150640000012")
VALID = sign_cms(_signer, b'{"format":"e-qazyna/signing-payload/1"}', extra_certificates=[_pki.intermediate.certificate])


def checks(data: bytes) -> None:
    parsed = cms_checks.parse_signature(data)
    cms_checks.check_algorithms(parsed)
    cms_checks.check_integrity(parsed)
    cms_checks.check_key_usage(parsed.certificate)
    parsed.certificate_facts  # noqa: B018 - computing the facts must not crash either


class BrokenCmsTests:
    def test_the_valid_signature_passes_these_checks(self):
        checks(VALID)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(position=st.integers(min_value=0, max_value=len(VALID) - 1), value=st.integers(min_value=0, max_value=255))
    def test_a_changed_byte_is_refused_or_still_valid(self, position, value):
        data = bytearray(VALID)
        data[position] = value
        try:
            checks(bytes(data))
        except DomainError:
            pass

    @settings(max_examples=60, deadline=None)
    @given(length=st.integers(min_value=0, max_value=len(VALID) - 1))
    def test_a_truncated_signature_is_refused(self, length):
        with pytest.raises(DomainError):
            checks(VALID[:length])

    @settings(max_examples=60, deadline=None)
    @given(data=st.binary(max_size=400))
    def test_random_bytes_are_refused(self, data):
        with pytest.raises(DomainError):
            checks(data)
