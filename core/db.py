"""Small helpers about the database connection itself."""

from __future__ import annotations

from urllib.parse import quote

from django.db import InterfaceError, OperationalError, connection

# What a lost database connection raises (a restart, a network cut): the work is retried, or the
# request answered 503, never recorded as the work's own failure.
DATABASE_OUTAGE = (OperationalError, InterfaceError)


def database_url(name: str | None = None) -> str:
    """A ``postgres://`` URL for the current server (embedded socket or external host), database ``name``.

    Used to point a child process (benchmark, test worker) at another database of the same server.
    """
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if (db["HOST"] or "").startswith("/") else (db["HOST"] or "localhost")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    options = (db.get("OPTIONS") or {}).get("options")  # e.g. "-c role=eqazyna_app": the child acts as the same role
    query = f"?options={quote(options, safe='')}" if options else ""
    return f"postgres://{quote(db['USER'])}{password}@{host}:{db['PORT'] or 5432}/{name or db['NAME']}{query}"


# --- the append-only audit tables, in migrations -------------------------------------------------------------


def act_as_owner(connection) -> None:
    """In a migration: act as the session's own role (the database administrator, owner of the audit tables) until
    the migration's transaction ends, when the portal logs in as the administrator and acts as its own role
    (``-c role=eqazyna_app``). Only the owner may create, index or drop an audit table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user <> session_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL ROLE NONE")


def as_owner_operations(*operations) -> list:
    """In a migration: ``operations`` run as the audit tables' owner both ways (``act_as_owner`` before them when
    applied, and before undoing them when unapplied — operations are undone last to first). Core migrations 0009
    and 0011 add their indexes of the audit events so."""
    from django.db import migrations

    def as_owner(apps, schema_editor):
        act_as_owner(schema_editor.connection)

    return [migrations.RunPython(as_owner, migrations.RunPython.noop, elidable=False), *operations,
            migrations.RunPython(migrations.RunPython.noop, as_owner, elidable=False)]


def seal_append_only(connection, table: str) -> None:
    """In a migration: make ``table`` append-only like the audit events (core migrations 0003, 0005, 0006): UPDATE
    and DELETE refused by a row trigger and TRUNCATE by a statement trigger; owned by the administrator, the
    portal's role may only SELECT and INSERT."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user")
        app, admin = cursor.fetchone()
        if app != admin:
            app, admin = connection.ops.quote_name(app), connection.ops.quote_name(admin)
            cursor.execute("SET LOCAL ROLE NONE")
            cursor.execute(f"ALTER TABLE {table} OWNER TO {admin}")
            cursor.execute(f"REVOKE ALL ON {table} FROM PUBLIC, {app}")
            cursor.execute(f"GRANT SELECT, INSERT ON {table} TO {app}")
        cursor.execute(f"""
            CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
            CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION core_audit_no_truncate();
        """)
