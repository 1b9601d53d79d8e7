"""verify_signatures re-verifies every kept signature offline and names the ones that fail."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg2 import sql as pg_sql

from signatures.models import Signature
from signatures.services import signature_accept, signing_payload_issue
from tests.signatures.fixtures import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(review, pki, school_signer, school_certificate):
    def make(action="accept"):
        school = school_signer.school
        issued = signing_payload_issue(obj=school, action=action, actor=school_signer)
        cms = sign(school_certificate, base64.b64encode(bytes(issued.payload)).decode())
        return signature_accept(obj=school, action=action, actor=school_signer, cms=cms)

    return make


def run() -> tuple[str, CommandError | None]:
    from django.utils import translation

    out = io.StringIO()
    try:
        with translation.override("en"):
            call_command("verify_signatures", stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def tamper(sql: str, params: list) -> None:
    """What only a superuser can do: switch the append-only triggers off for one statement.

    The portal acts as its own role (``eqazyna_app``), which may not; the statement runs as the
    session's administrator, and the portal's role is taken back afterwards.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        role = cursor.fetchone()[0]
        cursor.execute("SET ROLE NONE")
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute(pg_sql.SQL("SET ROLE {}").format(pg_sql.Identifier(role)))


class VerifySignaturesTests:
    def test_every_kept_signature_verifies_offline(self, kept, pki, revocation_server):
        kept("accept")
        kept("partly-accept")
        requests = (pki.ocsp_requests, pki.crl_requests)
        revocation_server.ocsp_down = True  # nothing is fetched: the kept answers are used
        output, error = run()
        assert error is None, output
        assert "verify_signatures: 2 ok, 0 failed" in output
        assert (pki.ocsp_requests, pki.crl_requests) == requests

    def test_a_revoked_certificate_later_does_not_undo_a_signature_made_before(self, kept, pki, school_certificate):
        kept()
        pki.revoke(school_certificate)
        output, error = run()
        assert error is None and "1 ok, 0 failed" in output

    def test_a_payload_edited_in_the_table_is_found_and_named(self, kept):
        good, edited = kept("accept"), kept("partly-accept")
        payload = bytes(edited.payload).replace(b'"amount":"1250000.00"', b'"amount":"9250000.00"')
        tamper("UPDATE signatures_signature SET payload = %s WHERE id = %s", [payload, edited.pk])
        output, error = run()
        assert error is not None and f"#{edited.pk}" in str(error)
        assert "1 ok, 1 failed" in output
        assert f"FAILED signature #{edited.pk}" in output and "tampered" in output
        assert f"#{good.pk} " not in output

    def test_a_payload_edited_with_its_hash_is_found_by_the_signature(self, kept):
        from signatures.payloads import sha256_hex

        edited = kept()
        payload = bytes(edited.payload).replace(b'"amount":"1250000.00"', b'"amount":"9250000.00"')
        tamper("UPDATE signatures_signature SET payload = %s, payload_sha256 = %s WHERE id = %s",
               [payload, sha256_hex(payload), edited.pk])
        output, error = run()
        assert error is not None and "the CMS holds other bytes than the kept payload" in output

    def test_a_certificate_column_edited_in_the_table_is_found(self, kept):
        edited = kept()
        tamper("UPDATE signatures_signature SET cert_bin = %s WHERE id = %s", ["000000000000", edited.pk])
        output, error = run()
        assert error is not None and "cert_bin" in output

    def test_the_database_refuses_to_change_or_delete_a_kept_signature(self, kept):
        from django.db import IntegrityError, InternalError, transaction

        signature = kept()
        for statement in ("UPDATE signatures_signature SET action = 'x' WHERE id = %s",
                          "DELETE FROM signatures_signature WHERE id = %s"):
            with pytest.raises((InternalError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [signature.pk])
        assert Signature.objects.get(pk=signature.pk).action == "accept"
