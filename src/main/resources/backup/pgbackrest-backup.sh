#!/usr/bin/env bash
# pgBackRest backup of a TradingDatabase: creates the stanza when it is new, backs up from the
# primary (pgBackRest finds it among the instances' TLS servers), and lets pgBackRest expire old
# backups by the configured retention, only after this backup succeeded. Prints one
# TRADINGDB_RESULT line with kind "backup".
#
# Environment: BACKUP_TYPE (full, diff or incr) and those of pgbackrest-lib.sh.
set -uo pipefail
# shellcheck source=pgbackrest-lib.sh
source "$(dirname "$0")/pgbackrest-lib.sh"
: "${BACKUP_TYPE:=full}"
err="$PGBACKREST_WORK/stderr"

if ! pgbackrest --stanza="$STANZA" stanza-create >/dev/null 2>"$err"; then
  text="$(error_text "$err")"
  fail backup "$(classify_error "$text" StanzaCreateFailed)" "stanza-create failed: $text"
fi
started="$(date -u +%s)"
if ! pgbackrest --stanza="$STANZA" --type="$BACKUP_TYPE" backup >/dev/null 2>"$err"; then
  text="$(error_text "$err")"
  fail backup "$(classify_error "$text" BackupFailed)" "pgbackrest $BACKUP_TYPE backup failed: $text"
fi
if ! info="$(info_json 2>"$err")"; then
  fail backup InfoFailed "the backup ran but pgbackrest info failed: $(error_text "$err")"
fi
result="$(python3 - "$info" "$started" <<'PY'
import json, sys
from datetime import datetime, timezone
stanza = json.loads(sys.argv[1])[0]
started = int(sys.argv[2])
backups = stanza.get("backup", [])
last = backups[-1]
stop = last["timestamp"]["stop"]
repo = stanza.get("repo", [{}])
print(json.dumps({
    "kind": "backup", "result": "Succeeded", "name": last["label"], "backupType": last["type"],
    "location": "pgbackrest:" + stanza["name"] + "/" + last["label"],
    "sizeBytes": last["info"]["repository"]["delta"],
    "databaseSizeBytes": last["info"]["size"],
    "completedAt": datetime.fromtimestamp(stop, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "durationSeconds": float(stop - last["timestamp"]["start"]),
    "walStart": last.get("archive", {}).get("start"), "walStop": last.get("archive", {}).get("stop"),
    "retention": {"kept": len(backups)},
}, separators=(",", ":")))
PY
)" || fail backup InfoFailed "cannot read pgbackrest info output"
emit_result "$result"
