#!/bin/sh
# Runs pgBouncer and reloads it (SIGHUP) when a mounted file changes, so a new configuration,
# password file or certificate is applied without dropping connected clients.
# SIGTERM becomes SIGINT: pgBouncer's safe shutdown lets running transactions finish.
# No -e: `wait` returns non-zero when SIGTERM arrives, and this supervisor must stay until
# pgBouncer's safe shutdown ends (the pod's main process). No pipefail: a POSIX sh script.
set -u
CONFIG="${PGBOUNCER_CONFIG:-/etc/pgbouncer/config/pgbouncer.ini}"
WATCH="${PGBOUNCER_WATCH:-/etc/pgbouncer/config /etc/pgbouncer/auth /etc/pgbouncer/tls}"
INTERVAL="${PGBOUNCER_RELOAD_CHECK_SECONDS:-10}"
PGBOUNCER="${PGBOUNCER_BIN:-/usr/bin/pgbouncer}"

fingerprint() {
  # Kubernetes swaps the ..data symlink atomically; reading through it sees whole files.
  # WATCH is a space-separated list of folders: split on purpose.
  # shellcheck disable=SC2086
  find $WATCH -type f -o -type l 2>/dev/null | sort | while read -r f; do cat "$f" 2>/dev/null; done | cksum
}

"$PGBOUNCER" "$CONFIG" &
child=$!
trap 'kill -INT "$child" 2>/dev/null' TERM INT
last="$(fingerprint)"
while kill -0 "$child" 2>/dev/null; do
  sleep "$INTERVAL" &
  wait $! 2>/dev/null
  now="$(fingerprint)"
  if [ "$now" != "$last" ]; then
    echo "run-pgbouncer: configuration changed, reloading" >&2
    kill -HUP "$child" 2>/dev/null
    last="$now"
  fi
done
wait "$child"
