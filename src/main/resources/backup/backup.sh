#!/usr/bin/env bash
# One backup run: pg_dump (in one snapshot with the row counts), compress, upload with its
# sha256, write a manifest next to it, then apply retention. Prints one TRADINGDB_RESULT line.
#
# Environment (set by the operator's Job): PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSSLMODE,
# BACKUP_FORMAT (custom|directory|plain), BACKUP_SCOPE (full|schemaOnly|dataOnly),
# BACKUP_COMPRESSION (gzip|zstd|lz4|none), BACKUP_COMPRESSION_LEVEL, BACKUP_JOBS,
# RETENTION_MAX_AGE_SECONDS, RETENTION_MAX_COUNT, BACKUP_SCHEDULE, and those of lib.sh (COPY_* for
# the copies).
set -euo pipefail
RESULT_KIND=backup
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

FORMAT="${BACKUP_FORMAT:-custom}"
SCOPE="${BACKUP_SCOPE:-full}"
COMPRESSION="${BACKUP_COMPRESSION:-gzip}"
LEVEL="${BACKUP_COMPRESSION_LEVEL:-}"
JOBS="${BACKUP_JOBS:-1}"
BACKUP_ID="${BACKUP_ID:-$(date -u +%Y%m%dT%H%M%SZ)}"
WORK="$BACKUP_SCRATCH/backup-$BACKUP_ID"
SNAPSHOT_RELEASE_FILE="$WORK/snapshot.release"
export SNAPSHOT_RELEASE_FILE
holder_pid=""

cleanup() {
  touch "$SNAPSHOT_RELEASE_FILE" 2>/dev/null || true
  if [ -n "$holder_pid" ]; then
    wait "$holder_pid" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

storage_init
mkdir -p "$WORK"

# 1. Can we log in, and can we write? Fail early with a reason a person can act on.
if ! run_sql_file connection-check.sql >/dev/null 2>"$WORK/check.err"; then
  text="$(error_text "$WORK/check.err")"
  fail backup "$(classify_database_error "$text" ConnectionFailed)" "$text"
fi
if ! storage_check >/dev/null 2>"$WORK/storage.err"; then
  text="$(error_text "$WORK/storage.err")"
  fail backup "$(classify_storage_error "$text" StorageUnavailable)" "$text"
fi

case "$FORMAT" in
  custom) format_flag=c; dump_file="dump.pgdump" ;;
  directory) format_flag=d; dump_file="dump.tar" ;;
  plain) format_flag=p; dump_file="dump.sql" ;;
  *) fail backup InvalidConfiguration "unknown BACKUP_FORMAT '$FORMAT'" ;;
esac
dump_file="$dump_file$(compression_extension "$COMPRESSION")"
dump_key="$BACKUP_ID/$dump_file"

dump_args=(--format="$format_flag" --no-password)
[ "$FORMAT" != plain ] && dump_args+=(--compress=0)
case "$SCOPE" in
  schemaOnly) dump_args+=(--schema-only) ;;
  dataOnly) dump_args+=(--data-only) ;;
esac
[ "$FORMAT" = directory ] && dump_args+=(--jobs="$JOBS")
# Pattern files hold double-quoted exact names, one per line (written by the operator).
[ -s "$BACKUP_SQL_DIR/schemas.txt" ] && while IFS= read -r p; do dump_args+=(--schema="$p"); done < "$BACKUP_SQL_DIR/schemas.txt"
[ -s "$BACKUP_SQL_DIR/exclude-schemas.txt" ] && while IFS= read -r p; do dump_args+=(--exclude-schema="$p"); done < "$BACKUP_SQL_DIR/exclude-schemas.txt"
expand_tables() {
  # Tables come with their partitions and chunks, resolved in the database at dump time.
  local sql="$1" option="$2" out
  [ -f "$BACKUP_SQL_DIR/$sql" ] || return 0
  if ! out="$(run_sql_file "$sql" 2>"$WORK/tables.err")"; then
    text="$(error_text "$WORK/tables.err")"
    fail backup "$(classify_database_error "$text" DumpFailed)" "$text"
  fi
  while IFS= read -r p; do [ -n "$p" ] && dump_args+=("$option=$p"); done <<<"$out"
  return 0
}
expand_tables include-tables.sql --table
expand_tables exclude-tables.sql --exclude-table

timescaledb="$(run_sql_file timescaledb-installed.sql 2>/dev/null || echo f)"
# A selection that reaches a hypertable would lose its compressed rows on restore: refuse it.
if [ "$timescaledb" = t ] && [ -f "$BACKUP_SQL_DIR/hypertables-in-selection.sql" ]; then
  if ! hypertables="$(run_sql_file hypertables-in-selection.sql 2>"$WORK/hypertables.err")"; then
    text="$(error_text "$WORK/hypertables.err")"
    fail backup "$(classify_database_error "$text" DumpFailed)" "$text"
  fi
  if [ -n "$hypertables" ]; then
    fail backup HypertableInSelection "the table or schema selection reaches the TimescaleDB hypertable(s) \
$(paste -sd, - <<<"$hypertables"); pg_dump can take a hypertable only with the whole database (its chunks, \
compressed rows and catalog entries are outside any selection, and compressed rows would be lost on restore): \
back up the whole database, or leave the hypertables out of schemas, tables, excludeSchemas and excludeTables"
  fi
fi

# 2. One snapshot for pg_dump and the row counts, held open by a psql session.
psql -X -q -A -t -v ON_ERROR_STOP=1 --no-password -v snapshot_file="$WORK/snapshot.id" \
  -f "$BACKUP_SQL_DIR/snapshot-holder.sql" >/dev/null 2>"$WORK/holder.err" &
holder_pid=$!
for _ in $(seq 1 300); do
  [ -s "$WORK/snapshot.id" ] && break
  kill -0 "$holder_pid" 2>/dev/null || break
  sleep 0.1
done
snapshot="$(tr -d '[:space:]' < "$WORK/snapshot.id" 2>/dev/null || true)"
if ! [[ "$snapshot" =~ ^[0-9A-F-]+$ ]]; then
  text="$(error_text "$WORK/holder.err")"
  fail backup "$(classify_database_error "$text" SnapshotFailed)" "could not export a snapshot: $text"
fi
dump_args+=(--snapshot="$snapshot")

started="$(now_epoch)"
row_counts='{}'
if [ "$SCOPE" != schemaOnly ]; then
  # Counting runs beside the dump, in the same snapshot.
  run_sql_file row-counts-in-snapshot.sql -v snapshot="$snapshot" > "$WORK/row-counts.json" 2>"$WORK/counts.err" &
  counts_pid=$!
fi

# 3. Dump, compress, hash and upload in one stream (the directory format is dumped to scratch first).
mkfifo "$WORK/hash.fifo" "$WORK/size.fifo"
sha256sum < "$WORK/hash.fifo" > "$WORK/sha256" &
hash_pid=$!
wc -c < "$WORK/size.fifo" > "$WORK/size" &
size_pid=$!
set +e
if [ "$FORMAT" = directory ]; then
  pg_dump "${dump_args[@]}" --file="$WORK/dump.d" 2>"$WORK/dump.err"
  dump_status=$?
  if [ "$dump_status" = 0 ]; then
    tar -C "$WORK" -cf - dump.d 2>>"$WORK/dump.err" | compress_stream "$COMPRESSION" "$LEVEL" 2>"$WORK/compress.err" \
      | tee "$WORK/hash.fifo" "$WORK/size.fifo" | storage_put "$dump_key" 2>"$WORK/upload.err"
    statuses=("${PIPESTATUS[@]}")
    dump_status="${statuses[0]}"
  else
    : > "$WORK/hash.fifo"; : > "$WORK/size.fifo"
    statuses=(1 0 0 0)
  fi
else
  pg_dump "${dump_args[@]}" 2>"$WORK/dump.err" | compress_stream "$COMPRESSION" "$LEVEL" 2>"$WORK/compress.err" \
    | tee "$WORK/hash.fifo" "$WORK/size.fifo" | storage_put "$dump_key" 2>"$WORK/upload.err"
  statuses=("${PIPESTATUS[@]}")
  dump_status="${statuses[0]}"
fi
wait "$hash_pid" "$size_pid"
counts_status=0
[ -n "${counts_pid:-}" ] && { wait "$counts_pid"; counts_status=$?; }
set -e
touch "$SNAPSHOT_RELEASE_FILE"
wait "$holder_pid" 2>/dev/null || true
holder_pid=""
finished="$(now_epoch)"

remove_partial() { storage_delete_backup "$BACKUP_ID" >/dev/null 2>&1 || true; }
# An upload failure breaks the pipe under pg_dump, so it is reported first.
if [ "${statuses[3]}" != 0 ] || [ "${statuses[2]}" != 0 ]; then
  remove_partial
  text="$(error_text "$WORK/upload.err")"
  fail backup "$(classify_storage_error "$text" UploadFailed)" "upload failed: $text"
fi
if [ "$dump_status" != 0 ]; then
  remove_partial
  text="$(error_text "$WORK/dump.err")"
  fail backup "$(classify_database_error "$text" DumpFailed)" "pg_dump failed: $text"
fi
if [ "${statuses[1]}" != 0 ]; then
  remove_partial
  fail backup CompressionFailed "$COMPRESSION failed: $(error_text "$WORK/compress.err")"
fi
if [ "$counts_status" != 0 ]; then
  remove_partial
  text="$(error_text "$WORK/counts.err")"
  fail backup "$(classify_database_error "$text" RowCountFailed)" "counting rows failed: $text"
fi
[ "$SCOPE" != schemaOnly ] && row_counts="$(cat "$WORK/row-counts.json")"

checksum="$(cut -d' ' -f1 < "$WORK/sha256")"
# The bytes that went through the pipe into a successful upload: no extra request to the store.
size="$(tr -d '[:space:]' < "$WORK/size")"
duration="$(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.3f", b - a }')"

# 4. The manifest marks the backup complete: only backups with one count for restore and retention.
manifest="$(jq -n \
  --arg name "$BACKUP_ID" --arg schedule "${BACKUP_SCHEDULE:-}" --arg database "${PGDATABASE:-}" \
  --arg format "$FORMAT" --arg scope "$SCOPE" --arg compression "$COMPRESSION" --arg level "$LEVEL" \
  --arg dumpFile "$dump_file" --arg location "$(storage_url "$dump_key")" --argjson sizeBytes "$size" \
  --arg checksum "$checksum" --arg startedAt "$(rfc3339 "$started")" --arg completedAt "$(rfc3339 "$finished")" \
  --argjson durationSeconds "$duration" --argjson tableRowCounts "$row_counts" \
  --argjson timescaledb "$([ "$timescaledb" = t ] && echo true || echo false)" \
  --arg pgDumpVersion "$(pg_dump --version)" \
  '{name: $name, schedule: $schedule, database: $database, format: $format, scope: $scope,
    compression: $compression, compressionLevel: $level, dumpFile: $dumpFile, location: $location,
    sizeBytes: $sizeBytes, checksum: $checksum, checksumAlgorithm: "sha256", startedAt: $startedAt,
    completedAt: $completedAt, durationSeconds: $durationSeconds, tableRowCounts: $tableRowCounts,
    timescaledb: $timescaledb, pgDumpVersion: $pgDumpVersion}')"
if ! storage_put "$BACKUP_ID/manifest.json" <<<"$manifest" 2>"$WORK/manifest.err"; then
  remove_partial
  text="$(error_text "$WORK/manifest.err")"
  fail backup "$(classify_storage_error "$text" UploadFailed)" "writing the manifest failed: $text"
fi

# 5. Retention, only now that this backup succeeded; the newest backup is never deleted.
retention='{"deleted": [], "kept": 0}'
if [ -n "${RETENTION_MAX_AGE_SECONDS:-}" ] || [ -n "${RETENTION_MAX_COUNT:-}" ]; then
  if backups="$(storage_list_backups 2>"$WORK/list.err")"; then
    total=0; deleted=()
    [ -n "$backups" ] && total="$(wc -l <<<"$backups")"
    victims="$(retention_victims <<<"$backups")"
    planned=0
    while IFS= read -r id; do
      [ -z "$id" ] && continue
      planned=$((planned + 1))
      if storage_delete_backup "$id" >/dev/null 2>>"$WORK/retention.err"; then deleted+=("$id"); fi
    done <<<"$victims"
    retention="$(jq -n --argjson kept "$((total - planned))" '{deleted: $ARGS.positional, kept: $kept}' --args "${deleted[@]}")"
    [ -s "$WORK/retention.err" ] && retention="$(jq --arg e "$(error_text "$WORK/retention.err")" '. + {error: $e}' <<<"$retention")"
  else
    retention="$(jq -n --arg e "$(error_text "$WORK/list.err")" '{deleted: [], error: $e}')"
  fi
fi

# 6. Copies to spec.copies with rclone: the dump first, the manifest last (a copy without its
# manifest is incomplete, as in the storage), then the retention there. A failed copy is reported
# in the result and never fails the backup.
copy_backup() {
  local n="$1" name err="$WORK/copy-$1.err" dest started text removed=0 id message=""
  name="$(copy_var "$n" NAME)"
  started="$(now_epoch)"
  if ! copy_setup "$n" 2>"$err"; then
    jq -n -c --arg name "$name" --arg m "$(error_text "$err")" '{name: $name, result: "Failed", reason: "InvalidConfiguration", message: $m}'
    return
  fi
  dest="$COPY_ROOT/$BACKUP_ID"
  if ! { rclone_run "$COPY_CONFIG" copy --exclude manifest.json "$STORAGE_RCLONE_ROOT/$BACKUP_ID" "$dest" \
      && rclone_run "$COPY_CONFIG" copyto "$STORAGE_RCLONE_ROOT/$BACKUP_ID/manifest.json" "$dest/manifest.json"; } 2>"$err"; then
    rclone_run "$COPY_CONFIG" purge "$dest" >/dev/null 2>&1 || true
    text="$(error_text "$err" 'Failed to|caused by')"
    # rclone names the cause (a refused connection, a missing bucket) on lines of its own.
    jq -n -c --arg name "$name" --arg reason "$(classify_storage_error "$(tr '\n' ' ' < "$err")" CopyFailed)" --arg m "copy failed: $text" \
      --arg location "$COPY_LOCATION$BACKUP_ID/" \
      --argjson durationSeconds "$(awk -v a="$started" -v b="$(now_epoch)" 'BEGIN { printf "%.3f", b - a }')" \
      '{name: $name, result: "Failed", reason: $reason, message: $m, location: $location, durationSeconds: $durationSeconds}'
    return
  fi
  if [ -n "${RETENTION_MAX_AGE_SECONDS:-}" ] || [ -n "${RETENTION_MAX_COUNT:-}" ]; then
    if backups="$(rclone_list_backups "$COPY_CONFIG" "$COPY_ROOT" 2>"$err")"; then
      while IFS= read -r id; do
        [ -z "$id" ] && continue
        if rclone_run "$COPY_CONFIG" purge "$COPY_ROOT/$id" >/dev/null 2>>"$err"; then removed=$((removed + 1)); fi
      done < <(grep -E "$BACKUP_ID_PATTERN" <<<"$backups" | sort -r | retention_victims)
    fi
    [ -s "$err" ] && message="copied; retention: $(error_text "$err" 'Failed to|caused by')"
  fi
  jq -n -c --arg name "$name" --arg location "$COPY_LOCATION$BACKUP_ID/" --argjson deleted "$removed" --arg m "$message" \
    --argjson durationSeconds "$(awk -v a="$started" -v b="$(now_epoch)" 'BEGIN { printf "%.3f", b - a }')" \
    '{name: $name, result: "Succeeded", location: $location, durationSeconds: $durationSeconds, retentionDeleted: $deleted}
     + (if $m == "" then {} else {message: $m} end)'
}
copies='[]'
if [ "${COPY_COUNT:-0}" -gt 0 ]; then
  storage_rclone_setup
  for n in $(seq 1 "$COPY_COUNT"); do
    copy="$(copy_backup "$n")" || copy=""
    # Whatever went wrong in the copy step, the backup itself stands.
    jq -e 'type == "object"' >/dev/null 2>&1 <<<"$copy" || copy="$(jq -n -c --arg name "$(copy_var "$n" NAME)" \
      '{name: $name, result: "Failed", reason: "CopyFailed", message: "the copy step stopped unexpectedly"}')"
    copies="$(jq -c --argjson c "$copy" '. + [$c]' <<<"$copies")"
  done
fi

emit_result "$(jq -c --argjson retention "$retention" --argjson copies "$copies" \
  '{kind: "backup", result: "Succeeded"} + {name, location, sizeBytes, checksum, completedAt, durationSeconds, tableRowCounts} + {retention: $retention}
   + (if $copies == [] then {} else {copies: $copies} end)' \
  <<<"$manifest")"
