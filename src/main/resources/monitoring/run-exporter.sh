#!/bin/sh
# Runs a metrics exporter and restarts the exporter, not its container, when a mounted login file
# changes. A container restart makes the whole pod NotReady, and its Services stop sending new
# connections to it: restarting the pooler's exporter that way refused new pooler logins for about
# 18 s after a password rotation (PasswordRotationOnRealNodeIT).
# Usage: run-exporter.sh VARIABLE=FILE... -- EXPORTER [ARGUMENT...]
# Each file's content reaches the exporter as the environment variable before it, never as an
# argument. An exporter that exits on its own ends this script with its status, so the kubelet
# restarts the container.
# No -e: `wait` returns non-zero when a signal arrives. No pipefail: a POSIX sh script.
set -u
INTERVAL="${EXPORTER_LOGIN_CHECK_SECONDS:-5}"
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
trap 'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child"; fi; exit 0' TERM INT
while :; do
  seen="$(fingerprint)"
  for pair in $logins; do
    value="$(cat "${pair#*=}")" || exit 1
    export "${pair%%=*}=$value"
  done
  "$@" &
  child=$!
  changed=""
  while kill -0 "$child" 2>/dev/null; do
    sleep "$INTERVAL" &
    wait $! 2>/dev/null
    if [ "$(fingerprint)" != "$seen" ]; then
      echo "run-exporter: the mounted login changed, restarting the exporter" >&2
      changed=yes
      kill -TERM "$child" 2>/dev/null
      wait "$child"
      break
    fi
  done
  if [ -z "$changed" ]; then
    wait "$child"
    exit $?
  fi
done
