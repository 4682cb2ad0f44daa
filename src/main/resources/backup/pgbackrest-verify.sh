#!/usr/bin/env bash
# Restore test of the latest pgBackRest backup: restores it into a scratch data directory in this
# pod, starts PostgreSQL there (no network, recovery to the backup's consistent point, then
# promotion), checks that the expected tables exist, and stops it again. Prints one
# TRADINGDB_RESULT line with kind "verification".
#
# Environment: VERIFY_DATABASE (the database whose tables are checked), BACKUP_SCRATCH,
# BACKUP_SQL_DIR (expected-tables-missing.sql, row-counts.sql), PG_BINDIR (optional), VERIFY_USER
# (default postgres), and those of pgbackrest-lib.sh.
set -euo pipefail
# shellcheck source=pgbackrest-lib.sh
source "$(dirname "$0")/pgbackrest-lib.sh"
: "${BACKUP_SCRATCH:?BACKUP_SCRATCH must name a scratch folder}"
: "${VERIFY_DATABASE:=postgres}"
err="$PGBACKREST_WORK/stderr"
data="$BACKUP_SCRATCH/pgdata"
socket="$PGBACKREST_WORK/socket"
bindir="${PG_BINDIR:-$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)}"
rm -rf "$data" "$socket"; mkdir -p "$socket"
stop_postgres() {
  if [ -f "$data/postmaster.pid" ]; then
    "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$data"
}
trap stop_postgres EXIT

if ! info="$(info_json 2>"$err")"; then
  text="$(pgbackrest_error_text "$err")"
  fail verification "$(classify_error "$text" InfoFailed)" "pgbackrest info failed: $text"
fi
label="$(jq -r '.[0].backup // [] | if length > 0 then .[-1].label else "" end' <<<"$info")"
[ -n "$label" ] || fail verification NoBackup "the repository holds no backup of stanza $STANZA to verify"

# The Job's file names the instances as pg hosts; the restore goes to this pod's scratch folder.
if ! pgbackrest --stanza="$STANZA" --reset-pg1-host --pg1-path="$data" --set="$label" \
    --type=immediate --target-action=promote --archive-mode=off restore >/dev/null 2>"$err"; then
  text="$(pgbackrest_error_text "$err")"
  fail verification "$(classify_error "$text" RestoreFailed)" "restoring $label failed: $text"
fi
# Patroni writes absolute hba_file and ident_file paths of the instance into postgresql.conf; this
# pod has its own, and no TLS files, network or archive.
printf 'local all all trust\n' > "$PGBACKREST_WORK/pg_hba.conf"
: > "$PGBACKREST_WORK/pg_ident.conf"
if ! "$bindir/pg_ctl" -D "$data" -l "$PGBACKREST_WORK/postgres.log" -w -t 1800 -o \
    "-c listen_addresses='' -c port=5432 -c unix_socket_directories=$socket -c ssl=off -c archive_mode=off -c hba_file=$PGBACKREST_WORK/pg_hba.conf -c ident_file=$PGBACKREST_WORK/pg_ident.conf -c hot_standby=on" \
    start >/dev/null 2>"$err"; then
  fail verification RestoredServerFailed "PostgreSQL did not start on the restored files of $label: $(error_text "$PGBACKREST_WORK/postgres.log")"
fi
sql() { "$bindir/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$socket" -p 5432 -U "${VERIFY_USER:-postgres}" -d "$1" -c "$2"; }
sql_file() { "$bindir/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$socket" -p 5432 -U "${VERIFY_USER:-postgres}" -d "$1" -f "$BACKUP_SQL_DIR/$2"; }
for _ in $(seq 1 1800); do
  [ "$(sql postgres 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && break
  sleep 1
done
[ "$(sql postgres 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] \
  || fail verification RecoveryIncomplete "the restored server of $label did not finish recovery"

# The operator's SQL files (BACKUP_SQL_DIR): expected tables that are missing, and every table's row count.
if ! missing="$(sql_file "$VERIFY_DATABASE" expected-tables-missing.sql 2>"$err")"; then
  fail verification VerificationQueryFailed "$(pgbackrest_error_text "$err")"
fi
[ -z "$missing" ] || fail verification MissingTables "expected tables missing after restoring $label: $(tr '\n' ' ' <<<"$missing")"
if ! counts="$(sql_file "$VERIFY_DATABASE" row-counts.sql 2>"$err")"; then
  fail verification VerificationQueryFailed "$(pgbackrest_error_text "$err")"
fi
[ -n "$counts" ] || counts='{}'
summary="$(jq -r '"\(length) tables, \([.[]] | add // 0) rows"' <<<"$counts")"
emit_result "$(jq -n --arg backup "$label" --arg at "$(now_rfc3339)" \
  --arg message "restored $label into a scratch server and recovery finished: expected tables present, $summary" \
  '{kind: "verification", result: "Succeeded", backup: $backup, name: $backup, completedAt: $at, message: $message}')"
