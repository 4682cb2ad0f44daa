#!/usr/bin/env bash
# Restores one backup (BACKUP_NAME, default latest) into the database PGDATABASE, which must exist.
# RESTORE_CLEAN=true drops the dumped objects first (restore into an existing database; custom
# and directory formats). TimescaleDB's pre/post-restore hooks run when the dump or the target
# has the extension. Verifies the dump's sha256 against the manifest. Prints one TRADINGDB_RESULT line.
#
# Environment: PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSSLMODE, BACKUP_NAME, RESTORE_CLEAN,
# RESTORE_JOBS, RESTORE_FROM_COPY (read the backup from that spec.copies destination, with rclone),
# and those of lib.sh.
set -euo pipefail
RESULT_KIND=restore
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

WORK="$BACKUP_SCRATCH/restore-$$"
trap 'rm -rf "$WORK"' EXIT
storage_init
mkdir -p "$WORK"
if [ -n "${RESTORE_FROM_COPY:-}" ] && ! storage_use_copy "$RESTORE_FROM_COPY" 2>"$WORK/copy.err"; then
  fail restore InvalidConfiguration "$(error_text "$WORK/copy.err")"
fi

BACKUP_ID="${BACKUP_NAME:-latest}"
if [ "$BACKUP_ID" = latest ]; then
  if ! BACKUP_ID="$(storage_list_backups 2>"$WORK/list.err" | head -n 1)"; then
    text="$(error_text "$WORK/list.err")"
    fail restore "$(classify_storage_error "$text" StorageUnavailable)" "$text"
  fi
  [ -n "$BACKUP_ID" ] || fail restore BackupNotFound "no completed backup in $(storage_url "")"
fi
[[ "$BACKUP_ID" =~ $BACKUP_ID_PATTERN ]] || fail restore BackupNotFound "'$BACKUP_ID' is not a backup name"
if ! manifest="$(storage_get "$BACKUP_ID/manifest.json" 2>"$WORK/manifest.err")"; then
  text="$(error_text "$WORK/manifest.err")"
  fail restore "$(classify_storage_error "$text" BackupNotFound)" "no manifest for $BACKUP_ID: $text"
fi
format="$(jq -r .format <<<"$manifest")"
compression="$(jq -r .compression <<<"$manifest")"
dump_key="$BACKUP_ID/$(jq -r .dumpFile <<<"$manifest")"
expected_checksum="$(jq -r .checksum <<<"$manifest")"
jobs="${RESTORE_JOBS:-1}"

if ! run_sql_file connection-check.sql >/dev/null 2>"$WORK/check.err"; then
  text="$(error_text "$WORK/check.err")"
  fail restore "$(classify_database_error "$text" ConnectionFailed)" "$text"
fi

timescaledb=false
if [ "$(jq -r .timescaledb <<<"$manifest")" = true ] || [ "$(run_sql_file timescaledb-installed.sql 2>/dev/null)" = t ]; then
  timescaledb=true
  if ! run_sql_file timescaledb-pre-restore.sql >/dev/null 2>"$WORK/pre.err"; then
    fail restore TimescaleDBPreRestoreFailed "$(error_text "$WORK/pre.err")"
  fi
  trap 'run_sql_file timescaledb-post-restore.sql >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
fi

# pg_dump keeps owners and grants but not the roles they name. They are restored as dumped when
# every such role exists here (made first, for example by DbUsers on the new cluster). Otherwise a
# restore into a new cluster would stop at the first "role ... does not exist": the objects then go
# to the restoring user, grants are left out, and the result names the roles that were missing.
list_dump_sql() {
  # The dump's SQL without data: its ownership and grant statements name every role it needs.
  # pg_restore stops reading after the table of contents, which cuts the download off (SIGPIPE):
  # only pg_restore's own status counts.
  local statuses
  case "$format" in
    custom)
      storage_get "$dump_key" 2>/dev/null | decompress_stream "$compression" 2>/dev/null \
        | pg_restore --schema-only --file=-
      statuses=("${PIPESTATUS[@]}")
      return "${statuses[2]}" ;;
    directory)
      mkdir -p "$WORK/toc"
      # Only the table of contents (which holds the statements) is extracted.
      storage_get "$dump_key" 2>/dev/null | decompress_stream "$compression" 2>/dev/null \
        | tar -C "$WORK/toc" -xf - dump.d/toc.dat || return 1
      pg_restore --schema-only --file=- "$WORK/toc/dump.d" ;;
  esac
}
roles_missing='[]'
owners_restored=true
if [ "$format" = custom ] || [ "$format" = directory ]; then
  if ! list_dump_sql > "$WORK/schema.sql" 2>"$WORK/schema.err"; then
    fail restore "$(classify_storage_error "$(error_text "$WORK/schema.err")" RestoreFailed)" \
      "cannot read the roles the dump names: $(error_text "$WORK/schema.err")"
  fi
  dump_roles "$WORK/schema.sql" > "$WORK/roles"
  if ! missing="$(run_sql_file roles-missing.sql -v roles="$(cat "$WORK/roles")" 2>"$WORK/roles.err")"; then
    fail restore "$(classify_database_error "$(error_text "$WORK/roles.err")" ConnectionFailed)" "$(error_text "$WORK/roles.err")"
  fi
  if [ -n "$missing" ]; then
    owners_restored=false
    roles_missing="$(jq -R . <<<"$missing" | jq -s -c .)"
    echo "roles missing here: $(tr '\n' ' ' <<<"$missing")- objects go to $PGUSER, grants are left out" >&2
  fi
fi

restore_args=(--no-password --exit-on-error --dbname="$PGDATABASE")
[ "$owners_restored" = true ] || restore_args+=(--no-owner --no-privileges)
[ "${RESTORE_CLEAN:-false}" = true ] && restore_args+=(--clean --if-exists)

started="$(now_epoch)"
mkfifo "$WORK/hash.fifo"
sha256sum < "$WORK/hash.fifo" > "$WORK/sha256" &
hash_pid=$!
set +e
case "$format" in
  custom)
    storage_get "$dump_key" 2>"$WORK/download.err" | tee "$WORK/hash.fifo" \
      | decompress_stream "$compression" 2>"$WORK/decompress.err" | pg_restore "${restore_args[@]}" 2>"$WORK/restore.err"
    statuses=("${PIPESTATUS[@]}")
    ;;
  directory)
    storage_get "$dump_key" 2>"$WORK/download.err" | tee "$WORK/hash.fifo" \
      | decompress_stream "$compression" 2>"$WORK/decompress.err" | tar -C "$WORK" -xf - 2>"$WORK/restore.err"
    statuses=("${PIPESTATUS[@]}")
    if [ "${statuses[3]}" = 0 ] && [ "${statuses[0]}" = 0 ]; then
      pg_restore "${restore_args[@]}" --jobs="$jobs" --format=directory "$WORK/dump.d" 2>"$WORK/restore.err"
      statuses[3]=$?
    fi
    ;;
  plain)
    storage_get "$dump_key" 2>"$WORK/download.err" | tee "$WORK/hash.fifo" \
      | decompress_stream "$compression" 2>"$WORK/decompress.err" \
      | psql -X -q -v ON_ERROR_STOP=1 --no-password --dbname="$PGDATABASE" -f - >/dev/null 2>"$WORK/restore.err"
    statuses=("${PIPESTATUS[@]}")
    ;;
  *) statuses=(0 0 0 1); echo "unknown format '$format' in the manifest" > "$WORK/restore.err" ;;
esac
wait "$hash_pid"
set -e
finished="$(now_epoch)"

# 141 is SIGPIPE: the download was cut off because the restore stopped reading; that is reported below.
if [ "${statuses[0]}" != 0 ] && [ "${statuses[0]}" != 141 ]; then
  text="$(error_text "$WORK/download.err")"
  fail restore "$(classify_storage_error "$text" DownloadFailed)" "download failed: $text"
fi
if [ "${statuses[3]}" != 0 ]; then
  text="$(error_text "$WORK/restore.err")"
  fail restore "$(classify_database_error "$text" RestoreFailed)" "restore failed: $text"
fi
hooks='{}'
if [ "$timescaledb" = true ]; then
  # Explicitly, not only on exit: a database left in restore mode runs no TimescaleDB jobs.
  if ! run_sql_file timescaledb-post-restore.sql >/dev/null 2>"$WORK/post.err"; then
    fail restore TimescaleDBPostRestoreFailed "$(error_text "$WORK/post.err")"
  fi
  trap 'rm -rf "$WORK"' EXIT
  hooks='{"preRestore": true, "postRestore": true}'
  echo "timescaledb_pre_restore() and timescaledb_post_restore() ran around pg_restore" >&2
fi
checksum="$(cut -d' ' -f1 < "$WORK/sha256")"
[ "$checksum" = "$expected_checksum" ] || fail restore ChecksumMismatch \
  "sha256 of $dump_key is $checksum, the manifest recorded $expected_checksum"
[ "${statuses[2]}" = 0 ] || fail restore DecompressionFailed "$(error_text "$WORK/decompress.err")"

emit_result "$(jq -n --arg name "$BACKUP_ID" --arg database "$PGDATABASE" --arg checksum "$checksum" \
  --argjson timescaledb "$timescaledb" --arg completedAt "$(rfc3339 "$finished")" \
  --argjson hooks "$hooks" --argjson ownersRestored "$owners_restored" --argjson rolesMissing "$roles_missing" \
  --argjson durationSeconds "$(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.3f", b - a }')" \
  '{kind: "restore", result: "Succeeded", name: $name, database: $database, checksum: $checksum,
    timescaledb: $timescaledb, timescaledbHooks: $hooks, ownersRestored: $ownersRestored,
    rolesMissing: $rolesMissing, completedAt: $completedAt, durationSeconds: $durationSeconds}')"
