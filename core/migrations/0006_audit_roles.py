"""The portal's own database role may read and append audit events, never change or remove them.

The portal connects as its own role, or logs in as the database administrator and acts as its
role (``-c role=eqazyna_app``: the embedded server, the docker compose ``migrate`` service). In the
second case the session's own role (the administrator) takes ownership of the audit tables and
functions, and the portal's role keeps exactly:

* ``core_auditevent``: SELECT, INSERT (the chain trigger runs as the administrator);
* ``core_auditchainhead``: SELECT;
* ``core_publishedhead``: SELECT, INSERT, and UPDATE of the timestamp columns only.

No UPDATE, DELETE or TRUNCATE privilege, no ownership (so no ALTER, DISABLE TRIGGER or DROP).
When the portal connects as the administrator itself there is nobody to hand the tables to: the
triggers are then the only guard (the README says how to set up a separate role).
"""

from django.db import migrations

AUDIT_TABLES = ("core_auditevent", "core_auditchainhead", "core_publishedhead")
AUDIT_FUNCTIONS = (
    "core_auditevent_append_only()",
    "core_audit_field(text)",
    "core_audit_canonical(bigint, text, timestamptz, bigint, text, integer, text, text, text, text, jsonb)",
    "core_audit_hash(bigint, text, timestamptz, bigint, text, integer, text, text, text, text, jsonb)",
    "core_audit_chain()",
    "core_audit_move_head()",
    "core_audit_no_truncate()",
    "core_audit_head_guard()",
    "core_audit_published_guard()",
)
TSA_COLUMNS = "tsa_url, tsa_token, tsa_time, tsa_serial, tsa_error"


def quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def seal(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user")
        app, admin = cursor.fetchone()
        if app == admin:
            return
        app, admin = quote(connection, app), quote(connection, admin)
        cursor.execute("SET LOCAL ROLE NONE")
        for table in AUDIT_TABLES:
            cursor.execute(f"ALTER TABLE {table} OWNER TO {admin}")  # owned sequences follow
        for function in AUDIT_FUNCTIONS:
            cursor.execute(f"ALTER FUNCTION {function} OWNER TO {admin}")
        cursor.execute(f"REVOKE ALL ON {', '.join(AUDIT_TABLES)} FROM PUBLIC, {app}")
        cursor.execute(f"GRANT SELECT, INSERT ON core_auditevent TO {app}")
        cursor.execute(f"GRANT SELECT ON core_auditchainhead TO {app}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE ({TSA_COLUMNS}) ON core_publishedhead TO {app}")
        for table in ("core_auditevent", "core_publishedhead"):
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"REVOKE ALL ON SEQUENCE {sequence} FROM PUBLIC, {app}")
            cursor.execute(f"GRANT USAGE ON SEQUENCE {sequence} TO {app}")


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_chain")]
    operations = [migrations.RunPython(seal, migrations.RunPython.noop, elidable=False)]
