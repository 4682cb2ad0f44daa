#!/usr/bin/env bash
# Shared by the pgBackRest Jobs. Needs only bash, pgbackrest and python3 (all in the cluster's
# image, whose pgBackRest version the instances' servers match).
#
# Environment: STANZA, PGBACKREST_CONFIG (the Job's generated pgbackrest.conf),
# PGBACKREST_REPO1_S3_KEY and PGBACKREST_REPO1_S3_KEY_SECRET for an S3 repository,
# PGBACKREST_WORK (log, lock and spool folders; default /tmp/pgbackrest), TERMINATION_LOG.
: "${STANZA:?STANZA must name the stanza (the TradingDatabase)}"
: "${TERMINATION_LOG:=/dev/termination-log}"
: "${PGBACKREST_WORK:=/tmp/pgbackrest}"
RESULT_MARKER=TRADINGDB_RESULT
mkdir -p "$PGBACKREST_WORK/log" "$PGBACKREST_WORK/lock" "$PGBACKREST_WORK/spool"

now_rfc3339() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# Prints the result line the operator reads from the pod's termination message and the log.
emit_result() {
  echo "$RESULT_MARKER $1"
  printf '%s' "$1" > "$TERMINATION_LOG" 2>/dev/null || true
}

# A JSON object from key=value arguments; values that look like numbers stay numbers.
json_object() {
  python3 - "$@" <<'PY'
import json, re, sys
out = {}
for arg in sys.argv[1:]:
    key, _, value = arg.partition("=")
    out[key] = int(value) if re.fullmatch(r"-?[0-9]+", value) and key not in ("name", "backup") else value
print(json.dumps(out, separators=(",", ":")))
PY
}

# pgBackRest's error line ("ERROR: [056]: ..."), without control characters, at most 400 characters.
error_text() {
  local text
  text="$(grep -E 'ERROR|error' "$1" 2>/dev/null | tail -n 2 | tr '\n\t' '  ' | tr -d '\000-\037' | cut -c1-400)"
  [ -n "$text" ] || text="$(grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 2 | tr '\n\t' '  ' | tr -d '\000-\037' | cut -c1-400)"
  echo "${text:-no error output}"
}

# Maps pgBackRest's errors to a reason a person can act on.
classify_error() {
  case "$1" in
    *"(403)"*|*Forbidden*|*InvalidAccessKeyId*|*SignatureDoesNotMatch*|*AccessDenied*) echo StorageAccessDenied ;;
    *NoSuchBucket*|*"(404)"*) echo BucketNotFound ;;
    *"unable to find primary"*|*"unable to connect"*|*"HostConnectError"*|*"[049]"*|*"[056]"*) echo DatabaseUnreachable ;;
    *"was not archived before"*|*"archive_command"*|*"archive_mode"*) echo WalArchivingFailed ;;
    *certificate*|*"TLS"*|*"tls"*) echo TlsFailed ;;
    *) echo "$2" ;;
  esac
}

fail() {
  emit_result "$(json_object kind="$1" result=Failed reason="$2" message="$3" completedAt="$(now_rfc3339)")"
  exit 1
}

# The repository's backups of the stanza as pgBackRest's JSON.
info_json() {
  pgbackrest --stanza="$STANZA" --output=json info
}
