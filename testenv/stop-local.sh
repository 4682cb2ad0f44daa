#!/usr/bin/env bash
# Stops what testenv/run-local.sh started: the operator, the control plane, the PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=${TRADINGDB_STATE:-/tmp/tradingdb-testenv}
if [ -f "$STATE/operator.pid" ]; then
  pid=$(cat "$STATE/operator.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$STATE/operator.pid"
fi
testenv/cluster.sh down || true
testenv/postgres.sh down || true
