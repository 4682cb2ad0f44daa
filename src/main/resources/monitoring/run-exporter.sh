#!/bin/sh
# Runs a metrics exporter and restarts the exporter, not its container, when a mounted login file
# changes. A container restart makes the whole pod NotReady, and its Services stop sending new
# connections to it: restarting the pooler's exporter that way refused new pooler logins for about
# 18 s after a password rotation (PasswordRotationOnRealNodeIT).
# Usage: run-exporter.sh VARIABLE=FILE... -- EXPORTER [ARGUMENT...]
# Each file's content reaches the exporter as the environment variable before it, never as an
# argument. An exporter that exits on its own ends this script with its status, so the kubelet
# restarts the container; except within a grace period after a login change, when the other side may
# not have the new login yet (pgBouncer reloads its files up to 10 s after kubelet delivered them, and
# pgbouncer_exporter exits when its first query fails): then it starts again after the interval.
# No -e: `wait` returns non-zero when a signal arrives. No pipefail: a POSIX sh script.
set -u
INTERVAL="${EXPORTER_LOGIN_CHECK_SECONDS:-5}"
GRACE="${EXPORTER_LOGIN_GRACE_SECONDS:-180}"
changed_at=""
logins=""
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
  logins="$logins $1"
  shift
done
[ "$#" -gt 1 ] || { echo "usage: run-exporter.sh VARIABLE=FILE... -- EXPORTER [ARGUMENT...]" >&2; exit 2; }
shift

# The files' contents, one checksum: a change in any of them restarts the exporter.
fingerprint() {
  for pair in $logins; do
    cat "${pair#*=}" 2>/dev/null
    echo
  done | cksum
}

child=""
watcher=""
trap 'kill -TERM "$child" "$watcher" 2>/dev/null; wait "$child"; exit 0' TERM INT
while :; do
  seen="$(fingerprint)"
  for pair in $logins; do
    value="$(cat "${pair#*=}")" || exit 1
    export "${pair%%=*}=$value"
  done
  "$@" &
  child=$!
  # A watcher stops the exporter when a login file changes; this shell waits for the exporter, so an
  # exporter that exits on its own is seen at once.
  (
    while sleep "$INTERVAL"; do
      if [ "$(fingerprint)" != "$seen" ]; then
        echo "run-exporter: the mounted login changed, restarting the exporter" >&2
        kill -TERM "$child" 2>/dev/null
        exit 0
      fi
    done
  ) &
  watcher=$!
  wait "$child"
  status=$?
  kill "$watcher" 2>/dev/null
  wait "$watcher" 2>/dev/null
  if [ "$(fingerprint)" != "$seen" ]; then
    changed_at="$(date +%s)"
    continue
  fi
  if [ -n "$changed_at" ] && [ "$(($(date +%s) - changed_at))" -lt "$GRACE" ]; then
    echo "run-exporter: the exporter exited ($status) after a login change; starting it again" >&2
    sleep "$INTERVAL"
    continue
  fi
  exit "$status"
done
