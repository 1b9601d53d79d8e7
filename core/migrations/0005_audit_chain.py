"""The audit trail becomes one hash chain (see core/audit_chain.py for the canonical form).

* ``seq``, ``prev_hash``, ``hash`` on every event, set by the BEFORE INSERT trigger
  ``core_auditevent_chain`` under a transaction-level advisory lock, after the last event (total
  order, no forks, no gaps: a rolled-back writer's events vanish with it and the next writer takes
  their numbers); the one-row chain head follows each INSERT statement;
* existing events are chained in the order they were written (created_at, id);
* TRUNCATE is refused on the audit tables (a statement trigger; the test suite's flush between
  transactional tests sets ``eqazyna.audit_truncate = 'allow'`` on its own transaction);
* published heads are append-only but for their timestamp, which may be added once.

Runs as the session's own role (``SET LOCAL ROLE NONE``): the audit tables belong to the database
administrator, not to the portal's role (migration 0006).
"""

from django.conf import settings
from django.db import migrations, models

# The canonical text of an event: a version tag, then each field as "|<bytes>:<value>".
# core.audit_chain.canonical() is the same rule in Python; tests/core/test_audit_chain.py binds them.
FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION core_audit_field(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT '|' || octet_length(coalesce(value, ''))::text || ':' || coalesce(value, '') $$;

CREATE OR REPLACE FUNCTION core_audit_canonical(
    event_id bigint, prev_hash text, created_at timestamptz, actor_id bigint, action text, content_type_id integer,
    object_id text, from_status text, to_status text, reason text, data jsonb
) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 'eqazyna-audit-v1'
        || core_audit_field(event_id::text)
        || core_audit_field(prev_hash)
        || core_audit_field(to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        || core_audit_field(actor_id::text)
        || core_audit_field(action)
        || core_audit_field(content_type_id::text)
        || core_audit_field(object_id)
        || core_audit_field(from_status)
        || core_audit_field(to_status)
        || core_audit_field(reason)
        || core_audit_field(data::text)
$$;

CREATE OR REPLACE FUNCTION core_audit_hash(
    event_id bigint, prev_hash text, created_at timestamptz, actor_id bigint, action text, content_type_id integer,
    object_id text, from_status text, to_status text, reason text, data jsonb
) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(core_audit_canonical(event_id, prev_hash, created_at, actor_id, action,
                                                         content_type_id, object_id, from_status, to_status,
                                                         reason, data), 'UTF8')), 'hex')
$$;

-- Appends the new event after the last one. One writer at a time: a transaction-level advisory lock,
-- held until the writer commits or rolls back (re-entrant within it). The last event is read from the
-- events themselves (the unique index on seq), which a row trigger sees for the rows its own statement
-- inserted before: a bulk INSERT chains its rows one after the other. SECURITY DEFINER: the portal's
-- role may not write the chain head itself.
CREATE OR REPLACE FUNCTION core_audit_chain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    last_seq bigint;
    last_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(7301024801);
    SELECT seq, hash INTO last_seq, last_hash FROM public.core_auditevent ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_hash := repeat('0', 64);
    END IF;
    NEW.seq := last_seq + 1;
    NEW.prev_hash := last_hash;
    NEW.hash := public.core_audit_hash(NEW.id, NEW.prev_hash, NEW.created_at, NEW.actor_id, NEW.action,
                                       NEW.content_type_id, NEW.object_id, NEW.from_status, NEW.to_status,
                                       NEW.reason, NEW.data);
    RETURN NEW;
END;
$$;

-- After each INSERT statement the head row records the last event (once per statement, not per row:
-- a row updated thousands of times in one transaction would cost quadratic time).
CREATE OR REPLACE FUNCTION core_audit_move_head() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO public.core_auditchainhead (id, seq, hash)
    SELECT 1, seq, hash FROM public.core_auditevent ORDER BY seq DESC LIMIT 1
    ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION core_audit_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('eqazyna.audit_truncate', true) = 'allow' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only (TRUNCATE of % refused)', TG_TABLE_NAME;
END;
$$;

CREATE OR REPLACE FUNCTION core_audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit chain head cannot be deleted';
END;
$$;

CREATE OR REPLACE FUNCTION core_audit_published_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'published chain heads are append-only (DELETE refused)';
    END IF;
    IF NEW.id <> OLD.id OR NEW.day <> OLD.day OR NEW.seq <> OLD.seq OR NEW.hash <> OLD.hash
       OR NEW.published_at <> OLD.published_at
       OR (OLD.tsa_token IS NOT NULL AND (NEW.tsa_token IS DISTINCT FROM OLD.tsa_token
                                          OR NEW.tsa_time IS DISTINCT FROM OLD.tsa_time
                                          OR NEW.tsa_serial <> OLD.tsa_serial OR NEW.tsa_url <> OLD.tsa_url)) THEN
        RAISE EXCEPTION 'a published chain head cannot change; only its timestamp may be added, once';
    END IF;
    RETURN NEW;
END;
$$;
"""

BACKFILL = r"""
ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update_delete;
DO $$
DECLARE
    event record;
    previous text := repeat('0', 64);
    counter bigint := 0;
BEGIN
    FOR event IN SELECT * FROM core_auditevent ORDER BY created_at, id LOOP
        counter := counter + 1;
        UPDATE core_auditevent
           SET seq = counter, prev_hash = previous,
               hash = core_audit_hash(event.id, previous, event.created_at, event.actor_id, event.action,
                                      event.content_type_id, event.object_id, event.from_status, event.to_status,
                                      event.reason, event.data)
         WHERE id = event.id
        RETURNING hash INTO previous;
    END LOOP;
    INSERT INTO core_auditchainhead (id, seq, hash) VALUES (1, counter, previous)
        ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash;
END $$;
ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_update_delete;
"""

TRIGGERS = r"""
CREATE TRIGGER core_auditevent_chain BEFORE INSERT ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_audit_chain();
CREATE TRIGGER core_auditevent_head AFTER INSERT ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_move_head();
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_no_truncate();
CREATE TRIGGER core_auditchainhead_no_truncate BEFORE TRUNCATE ON core_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_no_truncate();
CREATE TRIGGER core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION core_audit_head_guard();
CREATE TRIGGER core_publishedhead_no_truncate BEFORE TRUNCATE ON core_publishedhead
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_no_truncate();
CREATE TRIGGER core_publishedhead_append_only BEFORE UPDATE OR DELETE ON core_publishedhead
    FOR EACH ROW EXECUTE FUNCTION core_audit_published_guard();
"""

REVERSE_TRIGGERS = r"""
DROP TRIGGER IF EXISTS core_auditevent_chain ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditevent_head ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead;
DROP TRIGGER IF EXISTS core_auditchainhead_no_delete ON core_auditchainhead;
DROP TRIGGER IF EXISTS core_publishedhead_no_truncate ON core_publishedhead;
DROP TRIGGER IF EXISTS core_publishedhead_append_only ON core_publishedhead;
"""

REVERSE_FUNCTIONS = r"""
DROP FUNCTION IF EXISTS core_audit_chain();
DROP FUNCTION IF EXISTS core_audit_move_head();
DROP FUNCTION IF EXISTS core_audit_no_truncate();
DROP FUNCTION IF EXISTS core_audit_head_guard();
DROP FUNCTION IF EXISTS core_audit_published_guard();
DROP FUNCTION IF EXISTS core_audit_hash(bigint, text, timestamptz, bigint, text, integer, text, text, text, text, jsonb);
DROP FUNCTION IF EXISTS core_audit_canonical(bigint, text, timestamptz, bigint, text, integer, text, text, text, text, jsonb);
DROP FUNCTION IF EXISTS core_audit_field(text);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0004_worker_heartbeat'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL("SET LOCAL ROLE NONE", migrations.RunSQL.noop),
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.SmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('seq', models.BigIntegerField(default=0)),
                ('hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
            options={
                'verbose_name': 'audit chain head',
                'verbose_name_plural': 'audit chain heads',
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='audit_chain_head_single_row')],
            },
        ),
        migrations.CreateModel(
            name='PublishedHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(db_index=True, verbose_name='day')),
                ('seq', models.BigIntegerField(unique=True, verbose_name='events')),
                ('hash', models.CharField(max_length=64, verbose_name='head hash')),
                ('published_at', models.DateTimeField(auto_now_add=True, verbose_name='published at')),
                ('tsa_url', models.CharField(blank=True, max_length=500, verbose_name='timestamp authority')),
                ('tsa_token', models.BinaryField(blank=True, null=True, verbose_name='RFC 3161 timestamp token')),
                ('tsa_time', models.DateTimeField(blank=True, null=True, verbose_name='timestamp time')),
                ('tsa_serial', models.CharField(blank=True, max_length=100, verbose_name='timestamp serial number')),
                ('tsa_error', models.TextField(blank=True, verbose_name='timestamp error')),
            ],
            options={
                'verbose_name': 'published chain head',
                'verbose_name_plural': 'published chain heads',
                'ordering': ['-seq'],
            },
        ),
        migrations.AlterModelOptions(
            name='auditevent',
            options={'ordering': ['seq'], 'verbose_name': 'audit event', 'verbose_name_plural': 'audit events'},
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(db_default='', editable=False, max_length=64, verbose_name='hash'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(db_default='', editable=False, max_length=64, verbose_name='hash of the previous event'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(db_default=0, editable=False, verbose_name='number in the chain'),
        ),
        migrations.RunSQL(FUNCTIONS, REVERSE_FUNCTIONS),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(db_default=0, editable=False, unique=True, verbose_name='number in the chain'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['action', 'created_at'], name='core_audite_action_3957f4_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['actor', 'created_at'], name='core_audite_actor_i_5b4f87_idx'),
        ),
        migrations.RunSQL(TRIGGERS, REVERSE_TRIGGERS),
    ]
