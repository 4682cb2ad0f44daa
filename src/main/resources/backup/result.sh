# shellcheck shell=bash
# The result protocol of every backup, restore and verification Job (pg_dump and pgBackRest): one
# line "TRADINGDB_RESULT <json>" in the log, and the same JSON as the pod's termination message,
# which the operator reads (JobRun). JSON is built with jq only. Sourced, never run on its own.
#
# Environment: TERMINATION_LOG (default /dev/termination-log), BACKUP_ID (optional: the backup's
# name, added to failures).

RESULT_MARKER="TRADINGDB_RESULT"
: "${TERMINATION_LOG:=/dev/termination-log}"

now_epoch() { date -u +%s.%N; }
rfc3339() { date -u -d "@${1%.*}" +%Y-%m-%dT%H:%M:%SZ; }
now_rfc3339() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# The last informative lines of an error file (those matching PATTERN when given and present),
# without control characters, at most 400 characters.
error_text() {
  local file="$1" pattern="${2:-}" text=""
  if [ -n "$pattern" ]; then
    text="$(grep -E "$pattern" "$file" 2>/dev/null | tail -n 2 | tr '\n\t' '  ' | tr -d '\000-\037' | cut -c1-400)"
  fi
  if [ -z "$text" ]; then
    text="$(grep -v '^[[:space:]]*$' "$file" 2>/dev/null | tail -n 3 | tr '\n\t' '  ' | tr -d '\000-\037' | cut -c1-400)"
  fi
  echo "${text:-no error output}"
}

# Prints the result line and writes the termination message. The termination message is limited
# to 4096 bytes: large row-count maps stay in the manifest.
emit_result() {
  local compact
  compact="$(jq -c . <<<"$1")"
  if [ "${#compact}" -gt 3800 ]; then
    compact="$(jq -c 'del(.tableRowCounts) | .rowCountsOmitted = true' <<<"$compact")"
  fi
  echo "$RESULT_MARKER $compact"
  printf '%s' "$compact" > "$TERMINATION_LOG" 2>/dev/null || true
}

# fail KIND REASON MESSAGE: reports a failed run and exits 1.
fail() {
  emit_result "$(jq -n --arg kind "$1" --arg reason "$2" --arg message "$3" \
    --arg name "${BACKUP_ID:-}" --arg at "$(now_rfc3339)" \
    '{kind: $kind, result: "Failed", reason: $reason, message: $message, completedAt: $at}
     + (if $name == "" then {} else {name: $name} end)')"
  exit 1
}
