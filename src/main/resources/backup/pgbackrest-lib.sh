# shellcheck shell=bash
# Shared by the pgBackRest Jobs. Needs only bash, pgbackrest and jq (all in the cluster's image,
# whose pgBackRest version the instances' servers match); results through result.sh.
#
# Environment: STANZA, PGBACKREST_CONFIG (the Job's generated pgbackrest.conf),
# PGBACKREST_REPO1_S3_KEY and PGBACKREST_REPO1_S3_KEY_SECRET for an S3 repository,
# TRADINGDB_PGBACKREST_WORK (log, lock and spool folders; default /tmp/pgbackrest), and those of result.sh.

# shellcheck source=result.sh
source "$(dirname "${BASH_SOURCE[0]}")/result.sh"
: "${STANZA:?STANZA must name the stanza (the TradingDatabase)}"
# Not PGBACKREST_WORK in the environment: pgBackRest takes every PGBACKREST_* variable as an option
# and warns about unknown ones (2.55 on stdout, ahead of the JSON of --output=json), so it stays a
# shell variable here.
PGBACKREST_WORK="${TRADINGDB_PGBACKREST_WORK:-/tmp/pgbackrest}"
mkdir -p "$PGBACKREST_WORK/log" "$PGBACKREST_WORK/lock" "$PGBACKREST_WORK/spool"

# pgBackRest's error lines ("ERROR: [056]: ..."), else the last lines of the file.
pgbackrest_error_text() { error_text "$1" 'ERROR|error'; }

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

# The repository's backups of the stanza as pgBackRest's JSON. Warnings go to stderr: on the
# console (stdout, the configured log-level-console) they would come before the JSON and break it.
info_json() {
  pgbackrest --stanza="$STANZA" --output=json --log-level-console=off --log-level-stderr=warn info
}
