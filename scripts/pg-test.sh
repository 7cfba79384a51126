#!/usr/bin/env bash
# Runs the given command (a pytest run) against a throwaway PostgreSQL cluster: initdb in a temporary
# folder, a server on a free loopback port (as the unprivileged `postgres` user when run as root),
# QADESK_TEST_POSTGRES pointing at it, and the cluster stopped and removed afterwards.
# With no PostgreSQL installed it says so and exits 0 (the SQLite run has already run).
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "pg-test: PostgreSQL is not installed (apt-get install postgresql): the PostgreSQL run was SKIPPED" >&2
  exit 0
fi
dir=$(mktemp -d /tmp/qadesk-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; as=(runuser -u postgres --); fi
stop() { "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap stop EXIT
"${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U qadesk --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
# durability off: a test cluster is thrown away, and fsync would dominate the run on a CI disk
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
echo "pg-test: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
QADESK_TEST_POSTGRES="postgresql+psycopg://qadesk@127.0.0.1:$port/postgres" "$@"
