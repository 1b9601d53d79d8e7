#!/bin/sh
# First start of the PostgreSQL volume (docker-entrypoint-initdb.d): the portal's own role.
# The administrator (POSTGRES_USER) runs migrations acting as this role and keeps the audit tables;
# web, worker and beat log in as this role, which may read and append audit events, never change them.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE eqazyna_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${EQAZYNA_APP_DB_PASSWORD}';
GRANT CREATE, USAGE ON SCHEMA public TO eqazyna_app;
SQL
