#!/usr/bin/env bash
# PostgreSQL for CI and the benchmark, on a Debian machine (as root): installs the server from
# Debian's packages when missing, starts the newest installed cluster (creating "main" if there is
# none), and gives the role homeward (password homeward) the right to create databases.
# Prints the port on stdout; everything else goes to stderr. Safe to run again: an installed,
# running cluster and an existing role are reused.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
servers() { ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | cut -d/ -f5 | sort -V; }
if [ -z "$(servers)" ] || ! command -v pg_lsclusters >/dev/null 2>&1; then
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends postgresql >&2
fi
# postgres cannot read the work tree; run its tools from /.
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

# The newest installed server; its first cluster, or a new "main".
version=$(servers | tail -n 1)
field() { pg_lsclusters -h | awk -v v="$version" -v c="$cluster" -v f="$1" '$1 == v && $2 == c { print $f }'; }
cluster=$(pg_lsclusters -h | awk -v v="$version" '$1 == v { print $2; exit }')
if [ -z "$cluster" ]; then
    cluster=main
    pg_createcluster "$version" "$cluster" >&2
fi
if [ "$(field 4)" != online ]; then
    pg_ctlcluster "$version" "$cluster" start >&2
fi
port=$(field 3)
echo "PostgreSQL $version/$cluster on port $port: $(field 4)" >&2

# pytest-django creates (and drops) test databases, and the bench its own: the role needs CREATEDB.
as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 >&2 <<'SQL'
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'homeward') THEN
        ALTER ROLE homeward WITH LOGIN CREATEDB PASSWORD 'homeward';
    ELSE
        CREATE ROLE homeward WITH LOGIN CREATEDB PASSWORD 'homeward';
    END IF;
END
$$;
SQL
if [ "$(as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname = 'homeward'")" != 1 ]; then
    as_postgres createdb -p "$port" -O homeward homeward >&2
fi
echo "$port"
