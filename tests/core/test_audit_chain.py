"""The audit hash chain: links, no gaps, one order under concurrency, verify_audit naming each kind of
tampering, published heads with RFC 3161 timestamps, and the portal's role refused UPDATE/DELETE/TRUNCATE."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading

import psycopg2
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import tsa
from core.audit_chain import event_hash, verify
from core.models import GENESIS_HASH, AuditChainHead, AuditEvent, PublishedHead
from core.services import audit_head_publish, audit_head_seal
from tests.core.fake_tsa import running_tsa
from tests.factories import make_user


def raw_event(*, actor, action: str, subject, from_status="", to_status="", reason="", data=None) -> AuditEvent:
    """An event with any action text: ``audit_record`` takes registered event types only, the chain any row."""
    return AuditEvent.objects.create(actor=actor, action=action, content_type=ContentType.objects.get_for_model(subject),
                                     object_id=str(subject.pk), from_status=from_status, to_status=to_status,
                                     reason=reason, data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)))


def record(actor, n: int = 1, **fields) -> list[AuditEvent]:
    return [raw_event(actor=actor, action=fields.get("action", "probe"), subject=actor, reason=f"event {i}",
                      data=fields.get("data", {"i": i})) for i in range(n)]


def tamper(sql: str, params=None) -> None:
    """What someone with the database administrator's password could do: triggers off, any statement."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE NONE")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def run_verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with translation.override("en"):
            call_command("verify_audit", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue().strip(), err.getvalue().strip()


def stored(event: AuditEvent) -> AuditEvent:
    return AuditEvent.objects.get(pk=event.pk)


@pytest.mark.django_db
class AuditChainTests:
    def test_every_event_links_to_the_one_before_it_whatever_wrote_it(self, operator_user):
        first = record(operator_user, 2)
        ct = ContentType.objects.get_for_model(operator_user)
        AuditEvent.objects.bulk_create([AuditEvent(actor=operator_user, action="bulk", content_type=ct,
                                                   object_id=str(operator_user.pk)) for _ in range(3)])
        events = list(AuditEvent.objects.order_by("seq"))
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == GENESIS_HASH
        for before, after in zip(events, events[1:], strict=False):
            assert after.prev_hash == before.hash
        assert first[0].seq == events[0].seq and first[0].hash == events[0].hash  # returned by the INSERT
        head = AuditChainHead.objects.get()
        assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)

    def test_a_rolled_back_writer_leaves_no_gap(self, operator_user):
        record(operator_user)
        with pytest.raises(RuntimeError), transaction.atomic():
            record(operator_user)
            raise RuntimeError("the service failed after auditing")
        record(operator_user)
        assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]
        assert verify().intact

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        text=st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40),
        data=st.recursive(
            st.none() | st.booleans() | st.integers(-10**12, 10**12)
            | st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=10),
            lambda children: st.lists(children, max_size=3)
            | st.dictionaries(st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                                      max_size=6), children, max_size=3),
            max_leaves=8,
        ),
    )
    def test_python_computes_the_same_hash_as_the_database_trigger(self, operator_user, text, data):
        event = stored(raw_event(actor=operator_user, action=text[:64] or "x", subject=operator_user,
                                 from_status=text[:32], to_status=text[-32:], reason=text, data={"v": data, text: 1}))
        with connection.cursor() as cursor:
            cursor.execute("SELECT data::text FROM core_auditevent WHERE id = %s", [event.pk])
            data_text = cursor.fetchone()[0]
        assert event.hash == event_hash(
            event_id=event.pk, prev_hash=event.prev_hash, created_at=event.created_at, actor_id=event.actor_id,
            action=event.action, content_type_id=event.content_type_id, object_id=event.object_id,
            from_status=event.from_status, to_status=event.to_status, reason=event.reason, data_text=data_text)

    def test_the_chain_head_cannot_be_deleted_nor_the_audit_tables_truncated(self, operator_user):
        record(operator_user)
        for statement in ("DELETE FROM core_auditchainhead", "TRUNCATE core_auditevent", "TRUNCATE core_publishedhead"):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL ROLE NONE")  # even the administrator, unless the triggers are off
                cursor.execute(statement)
        assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
class VerifyAuditTests:
    def test_an_intact_chain_prints_its_length_and_head(self, operator_user):
        events = record(operator_user, 4)
        code, out, _err = run_verify()
        assert code == 0
        assert out == f"audit chain intact: 4 events, head {stored(events[-1]).hash}"

    def test_an_empty_chain_is_intact(self):
        assert run_verify()[:2] == (0, f"audit chain intact: 0 events, head {GENESIS_HASH}")

    def test_an_edited_event_is_named(self, operator_user):
        events = record(operator_user, 5)
        tamper("UPDATE core_auditevent SET reason = 'nothing happened' WHERE id = %s", [events[2].pk])
        code, _out, err = run_verify()
        assert code == 1
        assert f"event #{events[2].pk} (seq 3) was edited" in err

    def test_an_edited_and_rehashed_event_breaks_the_next_link(self, operator_user):
        events = record(operator_user, 4)
        victim = stored(events[1])
        forged = event_hash(event_id=victim.pk, prev_hash=victim.prev_hash, created_at=victim.created_at,
                            actor_id=victim.actor_id, action=victim.action, content_type_id=victim.content_type_id,
                            object_id=victim.object_id, from_status="", to_status="", reason="forged", data_text='{"i": 1}')
        tamper("UPDATE core_auditevent SET reason = 'forged', hash = %s WHERE id = %s", [forged, victim.pk])
        code, _out, err = run_verify()
        assert code == 1 and f"before event #{events[2].pk} (seq 3)" in err

    def test_a_deleted_event_is_named(self, operator_user):
        events = record(operator_user, 5)
        tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
        code, _out, err = run_verify()
        assert code == 1
        assert f"seq 2–2 were deleted, before event #{events[2].pk}" in err

    def test_a_deleted_event_with_the_rest_renumbered_is_named(self, operator_user):
        events = record(operator_user, 5)
        tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
        tamper("UPDATE core_auditevent SET seq = -(seq - 1) WHERE seq > 2")
        tamper("UPDATE core_auditevent SET seq = -seq WHERE seq < 0")
        tamper("UPDATE core_auditchainhead SET seq = seq - 1")
        code, _out, err = run_verify()
        assert code == 1
        assert f"before event #{events[2].pk} (seq 2) was deleted" in err

    def test_the_last_events_deleted_are_named_by_the_chain_head(self, operator_user):
        events = record(operator_user, 5)
        tamper("DELETE FROM core_auditevent WHERE seq > 3")
        code, _out, err = run_verify()
        assert code == 1
        assert "the last 2 event(s) were deleted" in err and str(events[2].pk) in err

    def test_an_inserted_event_is_named(self, operator_user):
        events = [stored(e) for e in record(operator_user, 4)]
        before = events[1]
        tamper("UPDATE core_auditevent SET seq = -(seq + 1) WHERE seq > 2")
        tamper("UPDATE core_auditevent SET seq = -seq WHERE seq < 0")
        when = before.created_at + dt.timedelta(seconds=1)
        forged_id = events[-1].pk + 100
        ct = before.content_type_id
        forged = event_hash(event_id=forged_id, prev_hash=before.hash, created_at=when, actor_id=operator_user.pk,
                            action="payment_prepared", content_type_id=ct, object_id="1", from_status="", to_status="",
                            reason="", data_text="{}")
        tamper("INSERT INTO core_auditevent (id, seq, prev_hash, hash, created_at, actor_id, action, content_type_id, "
               "object_id, from_status, to_status, reason, data) VALUES (%s, 3, %s, %s, %s, %s, 'payment_prepared', %s, "
               "'1', '', '', '', '{}')", [forged_id, before.hash, forged, when, operator_user.pk, ct])
        tamper("UPDATE core_auditchainhead SET seq = seq + 1")
        code, _out, err = run_verify()
        assert code == 1
        assert f"event #{forged_id} (seq 3) was inserted" in err

    def test_reordered_events_are_named(self, operator_user):
        events = record(operator_user, 5)
        tamper("UPDATE core_auditevent SET seq = -seq WHERE seq IN (2, 3)")
        tamper("UPDATE core_auditevent SET seq = 3 WHERE seq = -2")
        tamper("UPDATE core_auditevent SET seq = 2 WHERE seq = -3")
        code, _out, err = run_verify()
        assert code == 1
        assert f"event #{events[2].pk} (seq 2) was reordered" in err

    def test_a_truncated_chain_is_detected_against_a_published_head(self, operator_user):
        record(operator_user, 3)
        published = audit_head_publish()
        tamper("DELETE FROM core_auditevent")  # what TRUNCATE does, past its trigger
        tamper("UPDATE core_auditchainhead SET seq = 0, hash = %s", [GENESIS_HASH])
        record(operator_user, 2)  # a fresh, self-consistent chain of two events
        code, _out, err = run_verify()
        assert code == 1
        assert f"the chain was truncated: the head published for {published.day.isoformat()} is seq 3" in err

    def test_a_rebuilt_chain_is_detected_against_a_published_head(self, operator_user):
        record(operator_user, 3)
        audit_head_publish()
        tamper("DELETE FROM core_auditevent")
        tamper("UPDATE core_auditchainhead SET seq = 0, hash = %s", [GENESIS_HASH])
        record(operator_user, 4)  # rebuilt: as long as before, every link and hash right, different history
        code, _out, err = run_verify()
        assert code == 1 and "the chain was rebuilt: event seq 3 no longer has the hash published" in err


@pytest.mark.django_db(transaction=True)
class ConcurrentWritersTests:
    def test_twenty_concurrent_writers_never_fork_the_chain(self):
        actor = make_user("writer", role="operator")
        barrier = threading.Barrier(20)
        errors = []

        def writer(index: int):
            try:
                barrier.wait(timeout=30)
                with transaction.atomic():
                    if index % 4 == 0:
                        ct = ContentType.objects.get_for_model(actor)
                        AuditEvent.objects.bulk_create([AuditEvent(actor=actor, action="bulk", content_type=ct,
                                                                   object_id=str(actor.pk)) for _ in range(3)])
                    else:
                        for step in range(3):
                            raw_event(actor=actor, action="probe", subject=actor, data={"thread": index, "step": step})
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors
        events = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
        assert [seq for seq, _p, _h in events] == list(range(1, 61))
        assert len({prev for _s, prev, _h in events}) == 60  # no two events share a predecessor: no fork
        result = verify()
        assert result.intact and result.count == 60


@pytest.mark.django_db(transaction=True)
class AppRoleTests:
    """The portal's own role reads and appends audit rows, and is refused everything else."""

    def _connect_as_app_role(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, session_user")
            app, admin = cursor.fetchone()
        if app == admin:
            pytest.skip("the portal connects as the database administrator itself: no separate role to test")
        db = connection.settings_dict
        raw = psycopg2.connect(host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=app, password=db["PASSWORD"] or None)
        raw.autocommit = True
        return raw

    def test_the_app_role_may_append_but_not_update_delete_or_truncate_audit_rows(self, operator_user):
        record(operator_user, 2)
        audit_head_publish()
        raw = self._connect_as_app_role()
        try:
            cursor = raw.cursor()
            cursor.execute("SELECT session_user = current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == (True, False)  # logged in as the role itself, no superuser
            ct = ContentType.objects.get_for_model(operator_user).pk
            cursor.execute("INSERT INTO core_auditevent (created_at, actor_id, action, content_type_id, object_id, from_status, "
                           "to_status, reason, data) VALUES (now(), NULL, 'probe', %s, '1', '', '', '', '{}') RETURNING seq",
                           [ct])
            assert cursor.fetchone()[0] == 3  # appended through the chain trigger
            refused = [
                "UPDATE core_auditevent SET reason = 'x'",
                "DELETE FROM core_auditevent",
                "TRUNCATE core_auditevent",
                "ALTER TABLE core_auditevent DISABLE TRIGGER USER",
                "UPDATE core_auditchainhead SET seq = 0",
                "DELETE FROM core_publishedhead",
                "UPDATE core_publishedhead SET hash = 'x'",
                "TRUNCATE core_publishedhead",
                "SET session_replication_role = replica",
                "CREATE OR REPLACE FUNCTION core_audit_field(value text) RETURNS text LANGUAGE sql AS $$ SELECT '' $$",
            ]
            for statement in refused:
                with pytest.raises(psycopg2.Error) as caught:
                    cursor.execute(statement)
                assert caught.value.pgcode in ("42501", "P0001"), statement  # insufficient privilege / must be owner
            cursor.execute("SELECT count(*) FROM core_auditevent")
            assert cursor.fetchone()[0] == 3
        finally:
            raw.close()
        assert verify().intact


@pytest.mark.django_db
class PublishedHeadTests:
    def test_publishing_twice_without_new_events_keeps_one_head(self, operator_user):
        record(operator_user, 2)
        first = audit_head_publish()
        assert audit_head_publish().pk == first.pk
        assert (first.seq, first.day) == (2, timezone.localdate())

    def test_the_head_of_a_past_day_is_its_last_event_before_midnight(self, operator_user):
        events = record(operator_user, 3)
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        tamper("UPDATE core_auditevent SET created_at = created_at - interval '1 day' WHERE seq <= 2")
        published = audit_head_publish(day=yesterday)
        assert (published.seq, published.hash, published.day) == (2, stored(events[1]).hash, yesterday)

    def test_a_published_head_cannot_change_except_for_its_timestamp_once(self, operator_user):
        record(operator_user)
        published = audit_head_publish()
        with pytest.raises(DatabaseError), transaction.atomic():
            PublishedHead.objects.filter(pk=published.pk).update(hash="0" * 64)
        with pytest.raises(DatabaseError), transaction.atomic():
            PublishedHead.objects.filter(pk=published.pk).delete()
        PublishedHead.objects.filter(pk=published.pk).update(tsa_token=b"x", tsa_serial="1")
        with pytest.raises(DatabaseError), transaction.atomic():
            PublishedHead.objects.filter(pk=published.pk).update(tsa_token=b"y")

    def test_a_head_is_sealed_by_the_timestamp_authority(self, operator_user, settings, tmp_path):
        record(operator_user, 2)
        with running_tsa() as (authority, url):
            cert = tmp_path / "tsa.pem"
            cert.write_bytes(authority.certificate_pem)
            settings.AUDIT_TSA_URL, settings.AUDIT_TSA_CERT = url, str(cert)
            published = audit_head_publish()
            assert audit_head_seal(published=published)
        published.refresh_from_db()
        assert published.sealed and published.tsa_serial == "1" and published.tsa_url == url
        assert tsa.token_problem(bytes(published.tsa_token), published.statement()) is None
        assert tsa.token_problem(bytes(published.tsa_token), b"another head") == "the timestamp seals other data"
        assert run_verify()[0] == 0

    def test_a_published_head_rewritten_with_the_chain_no_longer_matches_its_timestamp(self, operator_user, settings):
        record(operator_user, 2)
        with running_tsa() as (_authority, url):
            settings.AUDIT_TSA_URL = url
            published = audit_head_publish()
            audit_head_seal(published=published)
        # Someone rebuilds the chain and rewrites the published head to match; the timestamp still seals the old one.
        tamper("DELETE FROM core_auditevent")
        tamper("UPDATE core_auditchainhead SET seq = 0, hash = %s", [GENESIS_HASH])
        new = record(operator_user, 2)
        tamper("UPDATE core_publishedhead SET hash = %s WHERE id = %s", [stored(new[-1]).hash, published.pk])
        code, _out, err = run_verify()
        assert code == 1 and "does not match its RFC 3161 timestamp: the timestamp seals other data" in err

    def test_a_signature_by_another_certificate_is_refused(self, operator_user, settings, tmp_path):
        record(operator_user)
        with running_tsa() as (_authority, url), running_tsa() as (other, _other_url):
            cert = tmp_path / "other.pem"
            cert.write_bytes(other.certificate_pem)
            settings.AUDIT_TSA_URL, settings.AUDIT_TSA_CERT = url, str(cert)
            published = audit_head_publish()
            assert not audit_head_seal(published=published)
        published.refresh_from_db()
        assert not published.sealed and "another certificate than AUDIT_TSA_CERT" in published.tsa_error

    def test_a_refusing_or_lying_authority_leaves_the_head_published_unsealed(self, operator_user, settings):
        record(operator_user)
        published = audit_head_publish()
        with running_tsa(refuse=True) as (_authority, url):
            settings.AUDIT_TSA_URL = url
            assert not audit_head_seal(published=published)
        published.refresh_from_db()
        assert "refused: rejection unavailable" in published.tsa_error
        with running_tsa(tamper_imprint=True) as (_authority, url):
            settings.AUDIT_TSA_URL = url
            assert not audit_head_seal(published=published)
        published.refresh_from_db()
        assert not published.sealed and "seals other data" in published.tsa_error

    def test_the_nightly_task_publishes_yesterdays_head_and_is_scheduled(self, operator_user, settings):
        from core.tasks import publish_audit_head

        record(operator_user)
        tamper("UPDATE core_auditevent SET created_at = created_at - interval '1 day'")
        publish_audit_head()
        assert PublishedHead.objects.get().day == timezone.localdate() - dt.timedelta(days=1)
        assert settings.CELERY_BEAT_SCHEDULE["audit-head"]["task"] == "core.tasks.publish_audit_head"

    def test_publish_audit_head_command(self, operator_user):
        record(operator_user)
        out = io.StringIO()
        call_command("publish_audit_head", stdout=out)
        assert out.getvalue().startswith(f"published head {timezone.localdate()} seq 1 ")
