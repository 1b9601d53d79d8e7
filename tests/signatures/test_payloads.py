"""The canonical payload: deterministic bytes that name the action, the facts, the signer and the nonce."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signatures.payloads import FORMAT, KEYS, canonical_bytes, payload_fields, read_payload
from signatures.registry import SigningFacts

ISSUED = dt.datetime(2025, 11, 12, 10, 0, tzinfo=dt.UTC)
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
hexes = st.one_of(st.none(), st.text("0123456789abcdef", min_size=64, max_size=64))


def fields(facts: SigningFacts, **overrides) -> dict:
    values = {"facts": facts, "object_type": "acts.act", "object_id": "42", "action": "partly-accept",
              "signer_role": "department", "signer_user": "dept", "signer_iin": "900101300123",
              "signer_bin": "150640000012", "nonce": "n" * 43, "issued_at": ISSUED,
              "expires_at": ISSUED + dt.timedelta(minutes=15)}
    values.update(overrides)
    return payload_fields(**values)


class CanonicalPayloadTests:
    def test_bytes_are_sorted_compact_utf8_json(self):
        facts = SigningFacts(from_status="submitted", to_status="partly_accepted", reference="акт 2025-11",
                             amount=Decimal("1250000.5"), lines_sha256="ab" * 32)
        data = canonical_bytes(fields(facts))
        assert data.startswith(b'{"action":"partly-accept","amount":"1250000.50",')
        assert b" " not in data.replace("акт 2025-11".encode(), b"")
        assert "акт 2025-11".encode() in data, "UTF-8, not \\u escapes"
        parsed = json.loads(data)
        assert list(parsed) == sorted(parsed) == list(KEYS)
        assert parsed["format"] == FORMAT and parsed["issued_at"] == "2025-11-12T10:00:00Z"

    def test_the_next_status_is_part_of_the_bytes(self):
        accept = SigningFacts(from_status="submitted", to_status="accepted")
        partly = SigningFacts(from_status="submitted", to_status="partly_accepted")
        assert canonical_bytes(fields(accept, action="accept")) != canonical_bytes(fields(partly, action="accept"))

    def test_amounts_are_rounded_half_up_to_two_places(self):
        assert json.loads(canonical_bytes(fields(SigningFacts("a", "b", amount=Decimal("0.005")))))["amount"] == "0.01"

    def test_only_strings_integers_and_null_are_allowed(self):
        with pytest.raises(TypeError):
            canonical_bytes({"amount": 1.5})

    @pytest.mark.parametrize("data", [b"", b"not json", b'{"format":"other"}', b'{ "action": "x" }'])
    def test_what_is_not_a_portal_payload_is_read_as_none(self, data):
        assert read_payload(data) is None

    def test_the_same_fields_with_other_spacing_are_not_a_payload(self):
        data = canonical_bytes(fields(SigningFacts("a", "b")))
        assert read_payload(data) is not None
        assert read_payload(json.dumps(json.loads(data), sort_keys=True).encode()) is None

    @given(reference=text, from_status=text, to_status=text, document=hexes, lines=hexes,
           amount=st.one_of(st.none(), st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False)))
    def test_any_facts_give_bytes_that_read_back_to_the_same_fields(self, reference, from_status, to_status, document,
                                                                    lines, amount):
        facts = SigningFacts(from_status=from_status, to_status=to_status, reference=reference,
                             document_sha256=document, lines_sha256=lines, amount=amount)
        built = fields(facts)
        data = canonical_bytes(built)
        assert read_payload(data) == built
        assert canonical_bytes(json.loads(data)) == data
