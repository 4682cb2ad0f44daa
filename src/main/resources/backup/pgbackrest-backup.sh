#!/usr/bin/env bash
# pgBackRest backup of a TradingDatabase: creates the stanza when it is new, backs up from the
# primary (pgBackRest finds it among the instances' TLS servers), and lets pgBackRest expire old
# backups by the configured retention, only after this backup succeeded. Prints one
# TRADINGDB_RESULT line with kind "backup".
#
# Environment: BACKUP_TYPE (full, diff or incr) and those of pgbackrest-lib.sh.
set -euo pipefail
# shellcheck source=pgbackrest-lib.sh
source "$(dirname "$0")/pgbackrest-lib.sh"
: "${BACKUP_TYPE:=full}"
err="$PGBACKREST_WORK/stderr"

if ! pgbackrest --stanza="$STANZA" stanza-create >/dev/null 2>"$err"; then
  text="$(pgbackrest_error_text "$err")"
  fail backup "$(classify_error "$text" StanzaCreateFailed)" "stanza-create failed: $text"
fi
if ! pgbackrest --stanza="$STANZA" --type="$BACKUP_TYPE" backup >/dev/null 2>"$err"; then
  text="$(pgbackrest_error_text "$err")"
  fail backup "$(classify_error "$text" BackupFailed)" "pgbackrest $BACKUP_TYPE backup failed: $text"
fi
if ! info="$(info_json 2>"$err")"; then
  fail backup InfoFailed "the backup ran but pgbackrest info failed: $(pgbackrest_error_text "$err")"
fi
# The newest backup in pgBackRest's info; jq fails (and so does this run) when there is none.
result="$(jq -c '.[0] as $stanza | ($stanza.backup // []) as $backups
  | if ($backups | length) == 0 then error("no backup in pgbackrest info") else $backups[-1] end
  | {kind: "backup", result: "Succeeded", name: .label, backupType: .type,
     location: ("pgbackrest:" + $stanza.name + "/" + .label),
     sizeBytes: .info.repository.delta, databaseSizeBytes: .info.size,
     completedAt: (.timestamp.stop | todate), durationSeconds: (.timestamp.stop - .timestamp.start),
     walStart: .archive.start, walStop: .archive.stop, retention: {kept: ($backups | length)}}' \
  <<<"$info" 2>"$err")" || fail backup InfoFailed "cannot read pgbackrest info output: $(error_text "$err")"
emit_result "$result"
