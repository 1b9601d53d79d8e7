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
