# shellcheck shell=bash
# Shared by backup.sh, restore.sh and verify.sh: error classification and the storage back ends
# (S3 through the AWS CLI, or a mounted volume); results through result.sh. Sourced, never run on
# its own.
#
# Environment: BACKUP_SCRATCH (writable folder), BACKUP_SQL_DIR (the SQL files from the operator),
# RESULT_KIND (backup|restore|verification), STORAGE_TYPE (s3|pvc), S3_BUCKET, S3_PREFIX,
# S3_ENDPOINT, AWS_REGION, S3_FORCE_PATH_STYLE, PVC_PATH, and those of result.sh.

# shellcheck source=result.sh
source "$(dirname "${BASH_SOURCE[0]}")/result.sh"
BACKUP_ID_PATTERN='^[0-9]{8}T[0-9]{6}Z$'

: "${BACKUP_SCRATCH:?BACKUP_SCRATCH must name a writable folder}"
: "${BACKUP_SQL_DIR:?BACKUP_SQL_DIR must name the folder with the SQL files}"
: "${STORAGE_TYPE:?STORAGE_TYPE must be s3 or pvc}"
export HOME="$BACKUP_SCRATCH"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
export PGAPPNAME="${PGAPPNAME:-tradingdb-backup}"
# Credentials come from the environment; never probe a cloud metadata endpoint for them.
export AWS_EC2_METADATA_DISABLED=true
export AWS_MAX_ATTEMPTS="${AWS_MAX_ATTEMPTS:-3}"

# Maps libpq, pg_dump, pg_restore and psql error text to a reason a person can act on.
classify_database_error() {
  local text="$1"
  case "$text" in
    *"authentication failed"*|*"no password supplied"*) echo AuthenticationFailed ;;
    *"Connection refused"*|*"could not connect"*|*"timeout expired"*|*"could not translate host name"*|*"No route to host"*|*"Network is unreachable"*) echo DatabaseUnreachable ;;
    *"database"*"does not exist"*) echo DatabaseNotFound ;;
    *"permission denied"*) echo PermissionDenied ;;
    *"server version mismatch"*) echo ClientTooOld ;;
    *) echo "$2" ;;
  esac
}

classify_storage_error() {
  local text="$1"
  case "$text" in
    *NoSuchBucket*|*"Not Found"*|*"(404)"*|*"does not exist"*) echo BucketNotFound ;;
    *AccessDenied*|*InvalidAccessKeyId*|*SignatureDoesNotMatch*|*Forbidden*|*"(403)"*) echo StorageAccessDenied ;;
    *"Could not connect to the endpoint"*|*"Connection refused"*|*"Connect timeout"*) echo StorageUnreachable ;;
    *) echo "$2" ;;
  esac
}

run_sql_file() {
  # Runs one of the operator's SQL files with psql; extra arguments go to psql.
  local file="$1"; shift
  psql -X -q -A -t -v ON_ERROR_STOP=1 --no-password -f "$BACKUP_SQL_DIR/$file" "$@"
}

# --- storage --------------------------------------------------------------------------------

storage_init() {
  case "$STORAGE_TYPE" in
    s3)
      : "${S3_BUCKET:?S3_BUCKET is required for s3 storage}"
      export AWS_CONFIG_FILE="$BACKUP_SCRATCH/aws-config"
      {
        echo "[default]"
        echo "region = ${AWS_REGION:-us-east-1}"
        echo "s3 ="
        [ "${S3_FORCE_PATH_STYLE:-false}" = true ] && echo "  addressing_style = path"
        # 32 MiB parts allow 320 GiB per dump within S3's 10,000-part limit; 4 in flight bound memory.
        echo "  multipart_chunksize = 32MB"
        echo "  max_concurrent_requests = 4"
      } > "$AWS_CONFIG_FILE"
      AWS_ARGS=()
      [ -n "${S3_ENDPOINT:-}" ] && AWS_ARGS+=(--endpoint-url "$S3_ENDPOINT")
      STORAGE_ROOT="${S3_PREFIX:+$S3_PREFIX/}"
      ;;
    pvc)
      : "${PVC_PATH:?PVC_PATH is required for pvc storage}"
      STORAGE_ROOT="$PVC_PATH/"
      ;;
    *) fail "${RESULT_KIND:-backup}" InvalidConfiguration "unknown STORAGE_TYPE '$STORAGE_TYPE'" ;;
  esac
}

storage_url() {
  case "$STORAGE_TYPE" in
    s3) echo "s3://$S3_BUCKET/$STORAGE_ROOT$1" ;;
    pvc) echo "$STORAGE_ROOT$1" ;;
  esac
}

# Fails when the bucket or folder cannot be used, before any work is done.
storage_check() {
  case "$STORAGE_TYPE" in
    s3) aws "${AWS_ARGS[@]}" s3api head-bucket --bucket "$S3_BUCKET" ;;
    pvc)
      if ! mkdir -p "$STORAGE_ROOT" || [ ! -w "$STORAGE_ROOT" ]; then
        echo "$STORAGE_ROOT does not exist or is not writable" >&2
        return 1
      fi
      ;;
  esac
}

# Stores standard input under key.
storage_put() {
  case "$STORAGE_TYPE" in
    s3) aws "${AWS_ARGS[@]}" s3 cp --only-show-errors - "$(storage_url "$1")" ;;
    pvc) mkdir -p "$(dirname "$STORAGE_ROOT$1")" && cat > "$STORAGE_ROOT$1" ;;
  esac
}

storage_get() {
  case "$STORAGE_TYPE" in
    s3) aws "${AWS_ARGS[@]}" s3 cp --only-show-errors "$(storage_url "$1")" - ;;
    pvc) cat "$STORAGE_ROOT$1" ;;
  esac
}

# Identifiers of the backups that completed (those with a manifest), newest first.
storage_list_backups() {
  local keys
  case "$STORAGE_TYPE" in
    s3)
      keys="$(aws "${AWS_ARGS[@]}" s3api list-objects-v2 --bucket "$S3_BUCKET" --prefix "$STORAGE_ROOT" \
        --query 'Contents[].Key' --output text)" || return 1
      tr '\t' '\n' <<<"$keys" | sed -n "s|^${STORAGE_ROOT}\([^/]*\)/manifest.json$|\1|p"
      ;;
    pvc)
      find "$STORAGE_ROOT" -mindepth 2 -maxdepth 2 -name manifest.json -printf '%P\n' | sed 's|/manifest.json$||'
      ;;
  esac | grep -E "$BACKUP_ID_PATTERN" | sort -r
}

storage_delete_backup() {
  [[ "$1" =~ $BACKUP_ID_PATTERN ]] || return 1
  case "$STORAGE_TYPE" in
    s3) aws "${AWS_ARGS[@]}" s3 rm --only-show-errors --recursive "$(storage_url "$1/")" ;;
    pvc) rm -rf -- "${STORAGE_ROOT:?}$1" ;;
  esac
}

# --- compression ----------------------------------------------------------------------------

# gzip and zstd compress on every core (pigz when the image has it; the output is plain gzip):
# pg_dump itself keeps one core busy at most, and a single-threaded compressor is the bottleneck.
compress_stream() {
  case "$1" in
    gzip) if command -v pigz >/dev/null; then pigz -c "-${2:-6}"; else gzip -c "-${2:-6}"; fi ;;
    zstd) zstd -q -c -T0 "-${2:-3}" ;;
    lz4) lz4 -q -c "-${2:-1}" ;;
    none) cat ;;
  esac
}

decompress_stream() {
  case "$1" in
    gzip) if command -v pigz >/dev/null; then pigz -dc; else gzip -dc; fi ;;
    zstd) zstd -q -dc ;;
    lz4) lz4 -q -dc ;;
    none) cat ;;
  esac
}

compression_extension() {
  case "$1" in gzip) echo .gz ;; zstd) echo .zst ;; lz4) echo .lz4 ;; *) echo "" ;; esac
}

backup_epoch() {
  local id="$1"
  date -u -d "${id:0:4}-${id:4:2}-${id:6:2} ${id:9:2}:${id:11:2}:${id:13:2} UTC" +%s
}
