# shellcheck shell=bash
# Shared by backup.sh, restore.sh and verify.sh: error classification and the storage back ends
# (S3 through the AWS CLI, or a mounted volume); results through result.sh. Sourced, never run on
# its own.
#
# Environment: BACKUP_SCRATCH (writable folder), BACKUP_SQL_DIR (the SQL files from the operator),
# RESULT_KIND (backup|restore|verification), STORAGE_TYPE (s3|pvc), S3_BUCKET, S3_PREFIX,
# S3_ENDPOINT, AWS_REGION, S3_FORCE_PATH_STYLE, PVC_PATH, and those of result.sh. Copies (rclone):
# COPY_COUNT and, for each n from 1, COPY_<n>_NAME, COPY_<n>_TYPE (s3|rclone), COPY_<n>_S3_BUCKET,
# COPY_<n>_S3_PREFIX, COPY_<n>_S3_ENDPOINT, COPY_<n>_AWS_REGION, COPY_<n>_S3_FORCE_PATH_STYLE,
# COPY_<n>_AWS_ACCESS_KEY_ID, COPY_<n>_AWS_SECRET_ACCESS_KEY, COPY_<n>_AWS_SESSION_TOKEN,
# COPY_<n>_CA_FILE, COPY_<n>_RCLONE_CONFIG (the configuration file's text), COPY_<n>_RCLONE_REMOTE, COPY_<n>_RCLONE_PATH;
# COPY_RETRIES, COPY_LOW_LEVEL_RETRIES.

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
    *"Could not connect to the endpoint"*|*"Connection refused"*|*"connection refused"*|*"Connect timeout"*|*"i/o timeout"*|*"no such host"*) echo StorageUnreachable ;;
    *"didn't find section in config file"*) echo RemoteNotConfigured ;;
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
        # AWS CLI 2.23+ asks for flexible checksums on every call by default; S3-compatible stores
        # (s3proxy, older MinIO and Ceph) answer GetObject with NotImplemented. The dump's sha256 in
        # the manifest is the integrity check, so checksums are sent only where S3 requires them.
        echo "request_checksum_calculation = when_required"
        echo "response_checksum_validation = when_required"
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
    rclone) ;;  # set up by storage_use_copy
    *) fail "${RESULT_KIND:-backup}" InvalidConfiguration "unknown STORAGE_TYPE '$STORAGE_TYPE'" ;;
  esac
}

# Makes the copy named $1 the storage the other storage_* functions read (restore from a copy).
storage_use_copy() {
  local n
  for n in $(seq 1 "${COPY_COUNT:-0}"); do
    if [ "$(copy_var "$n" NAME)" = "$1" ]; then
      copy_setup "$n" || return 1
      STORAGE_TYPE=rclone
      STORAGE_ROOT="$COPY_ROOT/"
      RCLONE_CONF="$COPY_CONFIG"
      STORAGE_LOCATION="$COPY_LOCATION"
      return 0
    fi
  done
  echo "no copy named '$1' in this Job's environment" >&2
  return 1
}

storage_url() {
  case "$STORAGE_TYPE" in
    s3) echo "s3://$S3_BUCKET/$STORAGE_ROOT$1" ;;
    pvc) echo "$STORAGE_ROOT$1" ;;
    rclone) echo "$STORAGE_LOCATION$1" ;;
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
    rclone) rclone_run "$RCLONE_CONF" lsf --max-depth 1 "$STORAGE_ROOT" ;;
  esac
}

# Stores standard input under key.
storage_put() {
  case "$STORAGE_TYPE" in
    s3) aws "${AWS_ARGS[@]}" s3 cp --only-show-errors - "$(storage_url "$1")" ;;
    pvc) mkdir -p "$(dirname "$STORAGE_ROOT$1")" && cat > "$STORAGE_ROOT$1" ;;
    rclone) rclone_run "$RCLONE_CONF" rcat "$STORAGE_ROOT$1" ;;
  esac
}

storage_get() {
  case "$STORAGE_TYPE" in
    s3) aws "${AWS_ARGS[@]}" s3 cp --only-show-errors "$(storage_url "$1")" - ;;
    pvc) cat "$STORAGE_ROOT$1" ;;
    rclone) rclone_run "$RCLONE_CONF" cat "$STORAGE_ROOT$1" ;;
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
    rclone) rclone_list_backups "$RCLONE_CONF" "${STORAGE_ROOT%/}" ;;
  esac | grep -E "$BACKUP_ID_PATTERN" | sort -r
}

storage_delete_backup() {
  [[ "$1" =~ $BACKUP_ID_PATTERN ]] || return 1
  case "$STORAGE_TYPE" in
    s3) aws "${AWS_ARGS[@]}" s3 rm --only-show-errors --recursive "$(storage_url "$1/")" ;;
    pvc) rm -rf -- "${STORAGE_ROOT:?}$1" ;;
    rclone) rclone_run "$RCLONE_CONF" purge "$STORAGE_ROOT$1" ;;
  esac
}

# Reads backup identifiers newest first and prints those the retention deletes
# (RETENTION_MAX_COUNT, RETENTION_MAX_AGE_SECONDS); never the newest one.
retention_victims() {
  local now index=0 id age
  now="$(date -u +%s)"
  while IFS= read -r id; do
    [ -z "$id" ] && continue
    age=$(( now - $(backup_epoch "$id") ))
    if [ "$index" -gt 0 ] && { { [ -n "${RETENTION_MAX_COUNT:-}" ] && [ "$index" -ge "$RETENTION_MAX_COUNT" ]; } \
        || { [ -n "${RETENTION_MAX_AGE_SECONDS:-}" ] && [ "$age" -gt "$RETENTION_MAX_AGE_SECONDS" ]; }; }; then
      echo "$id"
    fi
    index=$((index + 1))
  done
}

# --- copies (rclone) ------------------------------------------------------------------------

copy_var() {
  local name="COPY_${1}_$2"
  echo "${!name:-}"
}

# rclone with only the configuration given (never one from HOME), bounded retries and timeouts.
# Without AWS_CA_BUNDLE: rclone's S3 back end hands it to the AWS SDK, which then refuses rclone's own
# HTTP transport (LoadCustomCABundleError); rclone gets its CAs from --ca-cert (copy_ca_bundle).
rclone_run() {
  local config="$1"; shift
  env -u AWS_CA_BUNDLE rclone --config "$config" --contimeout 10s --timeout 5m --retries "${COPY_RETRIES:-3}" \
    --low-level-retries "${COPY_LOW_LEVEL_RETRIES:-3}" --stats 0 --log-format "" "${RCLONE_CA_ARGS[@]}" "$@"
}

# One rclone process talks to the storage and to copy $1, and trusts one CA file: with a private CA
# on either side (AWS_CA_BUNDLE, COPY_<n>_CA_FILE), the bundle holds both, plus the image's CA store
# for a side without one. Sets RCLONE_CA_ARGS.
RCLONE_CA_ARGS=()
copy_ca_bundle() {
  local copy_ca bundle
  copy_ca="$(copy_var "$1" CA_FILE)"
  RCLONE_CA_ARGS=()
  [ -z "$copy_ca" ] && [ -z "${AWS_CA_BUNDLE:-}" ] && return 0
  bundle="$BACKUP_SCRATCH/rclone-ca-$1.pem"
  {
    [ -n "${AWS_CA_BUNDLE:-}" ] && cat "$AWS_CA_BUNDLE"
    [ -n "$copy_ca" ] && cat "$copy_ca"
    if [ -z "${AWS_CA_BUNDLE:-}" ] || [ -z "$copy_ca" ]; then cat /etc/ssl/certs/ca-certificates.crt 2>/dev/null; fi
    true
  } > "$bundle"
  RCLONE_CA_ARGS=(--ca-cert "$bundle")
}

# Defines an S3 remote named $1 through rclone's RCLONE_CONFIG_<NAME>_* variables: credentials stay
# in the environment. A missing bucket is an error, never created ($2 access key, $3 secret key,
# $4 session token, $5 endpoint, $6 region, $7 force path style).
rclone_s3_remote() {
  local var
  var="RCLONE_CONFIG_$(tr '[:lower:]' '[:upper:]' <<<"$1")"
  export "${var}_TYPE=s3" "${var}_ENV_AUTH=false" "${var}_ACCESS_KEY_ID=$2" "${var}_SECRET_ACCESS_KEY=$3" \
    "${var}_REGION=${6:-us-east-1}" "${var}_FORCE_PATH_STYLE=${7:-false}" "${var}_NO_CHECK_BUCKET=true"
  [ -n "$4" ] && export "${var}_SESSION_TOKEN=$4"
  if [ -n "$5" ]; then
    export "${var}_PROVIDER=Other" "${var}_ENDPOINT=$5"
  else
    export "${var}_PROVIDER=AWS"
  fi
}

# Sets COPY_ROOT (rclone's name of the copy's folder), COPY_CONFIG (the configuration file to pass)
# and COPY_LOCATION (the folder for people) for copy $1.
copy_setup() {
  local n="$1" prefix
  COPY_CONFIG="$BACKUP_SCRATCH/rclone-copy-$n.conf"
  ( umask 077; : > "$COPY_CONFIG" )
  copy_ca_bundle "$n"
  case "$(copy_var "$n" TYPE)" in
    s3)
      rclone_s3_remote "tdbcopy$n" "$(copy_var "$n" AWS_ACCESS_KEY_ID)" "$(copy_var "$n" AWS_SECRET_ACCESS_KEY)" \
        "$(copy_var "$n" AWS_SESSION_TOKEN)" "$(copy_var "$n" S3_ENDPOINT)" "$(copy_var "$n" AWS_REGION)" \
        "$(copy_var "$n" S3_FORCE_PATH_STYLE)"
      prefix="$(copy_var "$n" S3_PREFIX)"
      COPY_ROOT="tdbcopy$n:$(copy_var "$n" S3_BUCKET)${prefix:+/$prefix}"
      COPY_LOCATION="s3://$(copy_var "$n" S3_BUCKET)/${prefix:+$prefix/}"
      ;;
    rclone)
      ( umask 077; printf '%s\n' "$(copy_var "$n" RCLONE_CONFIG)" > "$COPY_CONFIG" )
      COPY_ROOT="$(copy_var "$n" RCLONE_REMOTE):$(copy_var "$n" RCLONE_PATH)"
      COPY_LOCATION="$COPY_ROOT/"
      ;;
    *) echo "copy $n has no TYPE (s3 or rclone)" >&2; return 1 ;;
  esac
}

# Sets STORAGE_RCLONE_ROOT, rclone's name of the storage's folder (the source of the copies). Not in
# a subshell: an S3 storage becomes a remote defined by exported variables.
# shellcheck disable=SC2034  # read by backup.sh
storage_rclone_setup() {
  case "$STORAGE_TYPE" in
    s3)
      rclone_s3_remote tdbprimary "${AWS_ACCESS_KEY_ID:-}" "${AWS_SECRET_ACCESS_KEY:-}" "${AWS_SESSION_TOKEN:-}" \
        "${S3_ENDPOINT:-}" "${AWS_REGION:-}" "${S3_FORCE_PATH_STYLE:-false}"
      STORAGE_RCLONE_ROOT="tdbprimary:$S3_BUCKET${STORAGE_ROOT:+/${STORAGE_ROOT%/}}"
      ;;
    pvc|rclone) STORAGE_RCLONE_ROOT="${STORAGE_ROOT%/}" ;;
  esac
}

# The completed backups (with a manifest) in rclone folder $2.
rclone_list_backups() {
  rclone_run "$1" lsf -R --max-depth 2 --files-only "$2" | sed -n 's|^\([^/]*\)/manifest.json$|\1|p'
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

# dump_roles FILE: the roles that the SQL of a dump (pg_restore --schema-only) names as owners,
# grantees, grantors or default-privilege holders, one a line, quotes removed; PUBLIC left out.
dump_roles() {
  {
    sed -nE \
      -e 's/.* OWNER TO (.+);$/\1/p' \
      -e 's/^SET SESSION AUTHORIZATION (.+);$/\1/p' \
      -e 's/^ALTER DEFAULT PRIVILEGES FOR ROLE ("([^"]|"")+"|[^ ]+) .*/\1/p' "$1"
    sed -nE 's/^(ALTER DEFAULT PRIVILEGES .* )?(GRANT|REVOKE) .* (TO|FROM) (.+);$/\4/p' "$1"
  } | sed -E 's/ WITH (GRANT|ADMIN) OPTION$//; s/ GRANTED BY .*$//' \
    | sed -E 's/, /\n/g' \
    | sed -E '/^"/ { s/^"(.*)"$/\1/; s/""/"/g; }' \
    | grep -vx -e PUBLIC -e "'[^']*'" | sort -u
}
