#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests and the local demo: Debian's server binaries, a temp data
# folder, loopback only, SCRAM passwords, pg_stat_statements loaded (the monitoring queries need it),
# and TimescaleDB when build-timescaledb.sh has installed it (the hypertable policy tests need it).
#
#   testenv/postgres.sh up     start (idempotent) and print the environment to use
#   testenv/postgres.sh env    print export lines: TRADINGDB_TEST_PG_{HOST,PORT,USER,PASSWORD}
#   testenv/postgres.sh down   stop and delete the data folder
set -euo pipefail

STATE="${TRADINGDB_STATE:-/tmp/tradingdb-testenv}/postgres"
PORT="${TRADINGDB_PG_PORT:-25432}"
# The newest installed server (the pattern itself when none is: the -x check below then installs one).
newest_pgbin() { printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1; }
PGBIN="${TRADINGDB_PGBIN:-$(newest_pgbin)}"

run_as_postgres() {
  # initdb and postgres refuse to run as root; the Debian package creates this user.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_installed() {
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PGBIN="$(newest_pgbin)"
  fi
}

print_env() {
  echo "export TRADINGDB_TEST_PG_HOST=127.0.0.1"
  echo "export TRADINGDB_TEST_PG_PORT=$PORT"
  echo "export TRADINGDB_TEST_PG_USER=postgres"
  echo "export TRADINGDB_TEST_PG_PASSWORD_FILE=$STATE/superuser-password"
}

up() {
  ensure_installed
  if [ -f "$STATE/data/postmaster.pid" ] && run_as_postgres "$PGBIN/pg_ctl" -D "$STATE/data" status >/dev/null 2>&1; then
    print_env
    return
  fi
  rm -rf "$STATE"
  # The state folder is shared with cluster.sh, which keeps it private (0700); the postgres user
  # only needs to pass through it to reach its own folder.
  mkdir -p "$(dirname "$STATE")"
  chmod 711 "$(dirname "$STATE")"
  mkdir -p "$STATE"
  chown postgres:postgres "$STATE"
  chmod 700 "$STATE"
  # The password never appears on a command line or in a log: it goes through a 0600 file.
  head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 > "$STATE/superuser-password"
  chown postgres:postgres "$STATE/superuser-password"
  chmod 600 "$STATE/superuser-password"
  local preload=pg_stat_statements
  if [ -e "$PGBIN/../lib/timescaledb.so" ]; then
    preload=timescaledb,pg_stat_statements
  fi
  run_as_postgres "$PGBIN/initdb" -D "$STATE/data" -U postgres --auth=scram-sha-256 \
    --pwfile="$STATE/superuser-password" -E UTF8 --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1
  cat >>"$STATE/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$STATE'
shared_preload_libraries = '$preload'
timescaledb.telemetry_level = off
timescaledb.max_background_workers = 4
max_worker_processes = 16
pg_stat_statements.track = all
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
log_statement = 'none'
wal_level = replica
max_wal_senders = 4
archive_mode = on
archive_command = '/bin/true'
CONF
  # Loopback only, SCRAM everywhere: tests log in as the roles they create.
  cat >"$STATE/data/pg_hba.conf" <<HBA
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256
host  replication all 127.0.0.1/32 scram-sha-256
HBA
  run_as_postgres "$PGBIN/pg_ctl" -D "$STATE/data" -l "$STATE/postgres.log" -w -t 30 start >/dev/null
  print_env
}

down() {
  if [ -d "$STATE/data" ]; then
    run_as_postgres "$PGBIN/pg_ctl" -D "$STATE/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$STATE"
}

case "${1:-}" in
  up) up ;;
  env) print_env ;;
  down) down ;;
  *) echo "usage: $0 up|env|down" >&2; exit 2 ;;
esac
