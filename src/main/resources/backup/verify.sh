#!/usr/bin/env bash
# Restore test: restores the latest backup into the scratch database VERIFY_DATABASE (dropped and
# created by the operator's SQL files, dropped again at the end), then checks that the expected
# tables exist and that every table's row count equals the one recorded in the manifest.
# Prints one TRADINGDB_RESULT line with kind "verification".
#
# Environment: PGHOST PGPORT PGDATABASE (the target, used to create the scratch database) PGUSER
# PGPASSWORD PGSSLMODE, VERIFY_DATABASE, BACKUP_NAME (default latest), and those of lib.sh.
set -euo pipefail
RESULT_KIND=verification
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
: "${VERIFY_DATABASE:?VERIFY_DATABASE must name the scratch database}"

WORK="$BACKUP_SCRATCH/verify-$$"
storage_init
mkdir -p "$WORK"
cleanup() {
  run_sql_file verify-drop-database.sql >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if ! run_sql_file verify-recreate-database.sql >/dev/null 2>"$WORK/create.err"; then
  text="$(error_text "$WORK/create.err")"
  fail verification "$(classify_database_error "$text" ScratchDatabaseFailed)" "cannot create the scratch database: $text"
fi

set +e
TERMINATION_LOG="$WORK/restore-result" PGDATABASE="$VERIFY_DATABASE" \
  bash "$(dirname "$0")/restore.sh" > "$WORK/restore.out" 2>"$WORK/restore.err"
restore_status=$?
set -e
restore_result="$(sed -n "s/^$RESULT_MARKER //p" "$WORK/restore.out" | tail -n 1)"
[ -n "$restore_result" ] || restore_result='{"result":"Failed","reason":"RestoreFailed","message":"restore.sh printed no result"}'
BACKUP_ID="$(jq -r '.name // empty' <<<"$restore_result")"
if [ "$restore_status" != 0 ]; then
  fail verification "$(jq -r '.reason // "RestoreFailed"' <<<"$restore_result")" \
    "$(jq -r '.message // "restore failed"' <<<"$restore_result")"
fi

manifest="$(storage_get "$BACKUP_ID/manifest.json")"
if ! missing="$(PGDATABASE="$VERIFY_DATABASE" run_sql_file expected-tables-missing.sql 2>"$WORK/tables.err")"; then
  fail verification VerificationQueryFailed "$(error_text "$WORK/tables.err")"
fi
[ -z "$missing" ] || fail verification MissingTables "expected tables missing after restore: $(tr '\n' ' ' <<<"$missing")"

expected_counts="$(jq -c '.tableRowCounts // {}' <<<"$manifest")"
tables=0; rows=0
if [ "$(jq -r .scope <<<"$manifest")" != schemaOnly ]; then
  if ! actual_counts="$(PGDATABASE="$VERIFY_DATABASE" run_sql_file row-counts.sql 2>"$WORK/counts.err")"; then
    fail verification VerificationQueryFailed "$(error_text "$WORK/counts.err")"
  fi
  differences="$(jq -rn --argjson e "$expected_counts" --argjson a "$actual_counts" \
    '[($e + $a) | keys[] as $k | select($e[$k] != $a[$k]) | "\($k): backup \($e[$k] // "absent"), restored \($a[$k] // "absent")"] | join("; ")')"
  [ -z "$differences" ] || fail verification RowCountMismatch "$(cut -c1-600 <<<"$differences")"
  tables="$(jq 'length' <<<"$expected_counts")"
  rows="$(jq '[.[]] | add // 0' <<<"$expected_counts")"
fi

emit_result "$(jq -n --arg backup "$BACKUP_ID" --arg at "$(rfc3339 "$(now_epoch)")" \
  --arg message "restored $BACKUP_ID into a scratch database: $tables tables, $rows rows, counts match the manifest" \
  '{kind: "verification", result: "Succeeded", backup: $backup, name: $backup, completedAt: $at, message: $message}')"
